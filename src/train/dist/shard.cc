// A rank's slice of every global batch (see shard.h).
#include "train/dist/shard.h"

namespace bertq::train {

std::vector<std::vector<size_t>> shard_batches(const std::vector<std::vector<size_t>>& global,
                                               int rank, int world) {
  std::vector<std::vector<size_t>> out;
  out.reserve(global.size());
  for (const auto& b : global) {
    const size_t n = b.size(), w = static_cast<size_t>(world), r = static_cast<size_t>(rank);
    out.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(n * r / w),
                     b.begin() + static_cast<std::ptrdiff_t>(n * (r + 1) / w));
  }
  return out;
}

}  // namespace bertq::train
