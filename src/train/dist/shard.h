// A rank's share of an epoch (no libtorch). Every rank computes the same seeded global batches
// (train/batching.h, batch_size x world_size examples each) and takes its contiguous slice of
// each one, so the union over the ranks is the single-process epoch at the global batch size,
// and every rank has the same number of (micro-)batches, some possibly empty at a short tail.
//
//   auto mine = train::shard_batches(length_grouped_batches(lengths, 16 * 2, seed, epoch), r, 2);
#pragma once

#include <cstddef>
#include <vector>

namespace bertq::train {

// Batch b of the result = items [n·rank/world, n·(rank+1)/world) of global batch b (n items).
std::vector<std::vector<size_t>> shard_batches(const std::vector<std::vector<size_t>>& global,
                                               int rank, int world);

}  // namespace bertq::train
