// Packing token sequences into one [T] array with offsets (see packed_batch.h).
#include "engine/packed_batch.h"

#include "core/error.h"

namespace bertq::engine {

size_t PackedBatch::max_length() const {
  size_t m = 0;
  for (size_t b = 0; b < size(); ++b) m = length(b) > m ? length(b) : m;
  return m;
}

PackedBatch PackedBatch::pack(const std::vector<std::vector<int32_t>>& ids,
                              const std::vector<std::vector<int32_t>>& type_ids) {
  check(type_ids.empty() || type_ids.size() == ids.size(), ErrorCode::INVALID_ARGUMENT,
        "type ids for ", type_ids.size(), " sequences, token ids for ", ids.size());
  PackedBatch p;
  p.offsets.push_back(0);
  for (size_t b = 0; b < ids.size(); ++b) {
    check(!ids[b].empty(), ErrorCode::INVALID_ARGUMENT, "sequence ", b, " is empty");
    p.ids.insert(p.ids.end(), ids[b].begin(), ids[b].end());
    if (type_ids.empty()) {
      p.type_ids.insert(p.type_ids.end(), ids[b].size(), 0);
    } else {
      check(type_ids[b].size() == ids[b].size(), ErrorCode::INVALID_ARGUMENT, "sequence ", b, ": ",
            ids[b].size(), " token ids but ", type_ids[b].size(), " type ids");
      p.type_ids.insert(p.type_ids.end(), type_ids[b].begin(), type_ids[b].end());
    }
    p.offsets.push_back(p.ids.size());
  }
  return p;
}

}  // namespace bertq::engine
