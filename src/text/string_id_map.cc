// StringIdMap construction (see string_id_map.h).
#include "text/string_id_map.h"

#include "core/error.h"

namespace bertq::text {

void StringIdMap::grow() {
  const size_t cap = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (size_t k = 0; k < keys_.size(); ++k) {
    const std::string_view key(arena_.data() + keys_[k].offset, keys_[k].len);
    const uint64_t h = hash_bytes(key.data(), key.size());
    size_t i = h & mask_;
    while (slots_[i].key >= 0) i = (i + 1) & mask_;
    slots_[i] = {static_cast<uint32_t>(h >> 32), static_cast<int32_t>(k)};
  }
}

void StringIdMap::insert(std::string_view key, int32_t id) {
  check(id >= 0, ErrorCode::INTERNAL, "StringIdMap: negative id");
  check(key.size() < (1u << 31) && arena_.size() + key.size() < (1ull << 32) &&
            keys_.size() < (1u << 30),
        ErrorCode::INVALID_ARGUMENT, "vocabulary too large");
  if ((keys_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t h = hash_bytes(key.data(), key.size());
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t i = h & mask_;
  for (;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.key < 0) break;
    Key& k = keys_[static_cast<size_t>(s.key)];
    if (s.tag == tag && k.len == key.size() &&
        std::memcmp(arena_.data() + k.offset, key.data(), key.size()) == 0) {
      k.id = id;  // duplicate key: the later id wins
      return;
    }
  }
  slots_[i] = {tag, static_cast<int32_t>(keys_.size())};
  keys_.push_back({static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size()), id});
  arena_.append(key);
  if (key.size() > max_len_) max_len_ = key.size();
}

}  // namespace bertq::text
