// Length-grouped batching and the linear warmup / decay schedule (see batching.h).
#include "train/batching.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace bertq::train {

std::vector<std::vector<size_t>> length_grouped_batches(const std::vector<int>& lengths,
                                                        size_t batch_size, uint64_t seed,
                                                        uint64_t epoch) {
  std::vector<size_t> idx(lengths.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::mt19937_64 rng(seed * 1000003ULL + epoch);
  std::shuffle(idx.begin(), idx.end(), rng);
  const size_t pool = batch_size * 50;
  std::vector<std::vector<size_t>> batches;
  for (size_t p = 0; p < idx.size(); p += pool) {
    const size_t e = std::min(idx.size(), p + pool);
    std::stable_sort(idx.begin() + p, idx.begin() + e,
                     [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
    for (size_t b = p; b < e; b += batch_size)
      batches.emplace_back(idx.begin() + b, idx.begin() + std::min(e, b + batch_size));
  }
  std::shuffle(batches.begin(), batches.end(), rng);
  return batches;
}

std::vector<std::vector<size_t>> sorted_batches(const std::vector<int>& lengths,
                                                size_t batch_size) {
  std::vector<size_t> idx(lengths.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
  std::vector<std::vector<size_t>> batches;
  for (size_t b = 0; b < idx.size(); b += batch_size)
    batches.emplace_back(idx.begin() + b, idx.begin() + std::min(idx.size(), b + batch_size));
  return batches;
}

double linear_schedule_lr(int64_t step, int64_t total, int64_t warmup, double base_lr) {
  if (step < warmup)
    return base_lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  const double frac =
      static_cast<double>(total - step) / static_cast<double>(std::max<int64_t>(1, total - warmup));
  return base_lr * std::max(0.0, frac);
}

}  // namespace bertq::train
