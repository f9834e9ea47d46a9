// A batch of token sequences packed back to back, without padding: sequence b occupies rows
// offsets[b] .. offsets[b + 1] - 1 of every [T, ...] activation. Attention runs per sequence
// with its own length, so no compute is spent on padding.
//
//   auto batch = bertq::engine::PackedBatch::pack({{101, 2307, 102}, {101, 102}});
//   batch.size() == 2;  batch.tokens() == 5;  batch.length(1) == 2;
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bertq::engine {

struct PackedBatch {
  std::vector<int32_t> ids;       // [T]
  std::vector<int32_t> type_ids;  // [T]
  std::vector<size_t> offsets;    // [B + 1], offsets[0] = 0, offsets[B] = T

  size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  size_t tokens() const { return ids.size(); }
  size_t length(size_t b) const { return offsets[b + 1] - offsets[b]; }
  size_t max_length() const;

  // type_ids empty = all zeros; else one per sequence, each the length of its ids.
  // Empty sequences are an INVALID_ARGUMENT error (BERT needs at least [CLS]).
  static PackedBatch pack(const std::vector<std::vector<int32_t>>& ids,
                          const std::vector<std::vector<int32_t>>& type_ids = {});
};

}  // namespace bertq::engine
