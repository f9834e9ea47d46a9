// Byte trie (see byte_trie.h).
#include "text/byte_trie.h"

#include "core/error.h"

namespace bertq::text {

ByteTrie::ByteTrie() : value_(1, -1), slots_(64, Slot{0, 0}), mask_(63) {
  for (uint32_t& r : root_) r = kNone;
}

void ByteTrie::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.key == 0) continue;
    size_t h = static_cast<size_t>((s.key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
    while (slots_[h].key != 0) h = (h + 1) & mask_;
    slots_[h] = s;
  }
}

uint32_t ByteTrie::add_child(uint32_t node, uint8_t b) {
  check(value_.size() < kNone, ErrorCode::INTERNAL, "byte trie: too many nodes");
  const uint32_t fresh = static_cast<uint32_t>(value_.size());
  if (node == 0) {
    if (root_[b] != kNone) return root_[b];
    root_[b] = fresh;
    value_.push_back(-1);
    return fresh;
  }
  const uint32_t existing = child(node, b);
  if (existing != kNone) return existing;
  if ((used_ + 1) * 2 > slots_.size()) grow();
  const uint64_t key = uint64_t{node} * 256 + b + 1;
  size_t h = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
  while (slots_[h].key != 0) h = (h + 1) & mask_;
  slots_[h] = Slot{key, fresh};
  ++used_;
  value_.push_back(-1);
  return fresh;
}

void ByteTrie::insert(std::string_view key, int32_t v) {
  check(!key.empty() && v >= 0, ErrorCode::INTERNAL, "byte trie: empty key or negative value");
  uint32_t node = 0;
  for (const char c : key) node = add_child(node, static_cast<uint8_t>(c));
  value_[node] = v;
}

}  // namespace bertq::text
