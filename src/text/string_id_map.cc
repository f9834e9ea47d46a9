// StringIdMap construction (see string_id_map.h).
#include "text/string_id_map.h"

#include "core/error.h"

namespace bertq::text {

void StringIdMap::grow() {
  std::vector<Slot> old = std::move(slots_);
  const size_t cap = old.empty() ? 64 : old.size() * 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (const Slot& s : old) {
    if (s.id < 0) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].id >= 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void StringIdMap::insert(std::string_view key, int32_t id) {
  check(id >= 0, ErrorCode::INTERNAL, "StringIdMap: negative id");
  check(key.size() < (1u << 31) && arena_.size() + key.size() < (1ull << 32),
        ErrorCode::INVALID_ARGUMENT, "vocabulary too large");
  if ((count_ + 1) * 2 > slots_.size()) grow();
  const uint64_t h = hash_bytes(key.data(), key.size());
  size_t i = h & mask_;
  for (;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.id < 0) break;
    if (s.hash == h && s.len == key.size() &&
        std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0) {
      s.id = id;  // duplicate key: the later id wins
      return;
    }
  }
  Slot& s = slots_[i];
  s.hash = h;
  s.offset = static_cast<uint32_t>(arena_.size());
  s.len = static_cast<uint32_t>(key.size());
  s.id = id;
  arena_.append(key);
  ++count_;
  if (key.size() > max_len_) max_len_ = key.size();
}

}  // namespace bertq::text
