// Length-grouped batches for dynamic padding, and the learning-rate schedule.
//
// Batches of an epoch: shuffle all indices with (seed, epoch), cut them into pools of
// 50 batches, sort each pool by length, cut it into batches, then shuffle the batch order.
// Batches hold texts of similar length, so padding to the longest one wastes little, while
// the order stays random. Deterministic in (lengths, batch_size, seed, epoch).
//
//   auto batches = train::length_grouped_batches(lengths, 32, seed, epoch);
//   double lr = train::linear_schedule_lr(step, total_steps, warmup_steps, 2e-5);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bertq::train {

std::vector<std::vector<size_t>> length_grouped_batches(const std::vector<int>& lengths,
                                                        size_t batch_size, uint64_t seed,
                                                        uint64_t epoch);

// Batches in index order, sorted by length inside pools (for evaluation: no shuffling).
std::vector<std::vector<size_t>> sorted_batches(const std::vector<int>& lengths, size_t batch_size);

// transformers' get_linear_schedule_with_warmup: with t the number of optimizer updates done
// before this one (0 for the first update),
//   lr_t = base_lr * t / max(1, warmup)                        for t < warmup (lr 0 at t = 0)
//   lr_t = base_lr * max(0, (total - t) / max(1, total - warmup))   otherwise.
double linear_schedule_lr(int64_t step, int64_t total, int64_t warmup, double base_lr);

}  // namespace bertq::train
