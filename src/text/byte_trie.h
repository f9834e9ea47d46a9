// A trie over byte strings with an int32 value per key, for prefix searches: the Unigram
// model's pieces (unigram.h) and the Precompiled normalizer's keys (precompiled_normalizer.h).
//
// Layout: nodes are numbered, root 0; the root's children are a direct 256-entry table, every
// other edge (node, byte) -> child sits in one open-addressing hash table keyed by
// node * 256 + byte (linear probing, power-of-two size, load <= 1/2). value_[node] is the key's
// value, or -1 when no key ends there. One hash probe per byte of the walk.
//
//   bertq::text::ByteTrie t;
//   t.insert("ab", 7);
//   t.prefixes("abc", [](size_t len, int32_t v) { /* len 2, v 7 */ });
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace bertq::text {

class ByteTrie {
 public:
  ByteTrie();
  // Adds key (non-empty) with value v >= 0; a key inserted twice keeps the last value.
  void insert(std::string_view key, int32_t v);
  // Calls fn(length, value) for every key that is a prefix of s, shortest first.
  template <typename Fn>
  void prefixes(std::string_view s, Fn&& fn) const {
    if (s.empty()) return;
    uint32_t node = root_[static_cast<uint8_t>(s[0])];
    for (size_t i = 1;; ++i) {
      if (node == kNone) return;
      if (value_[node] >= 0) fn(i, value_[node]);
      if (i == s.size()) return;
      node = child(node, static_cast<uint8_t>(s[i]));
    }
  }
  // Whether some key starts with byte b.
  bool starts_key(uint8_t b) const { return root_[b] != kNone; }
  size_t nodes() const { return value_.size(); }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  struct Slot {
    uint64_t key;  // node * 256 + byte + 1; 0 = empty
    uint32_t child;
  };
  uint32_t child(uint32_t node, uint8_t b) const {
    const uint64_t key = uint64_t{node} * 256 + b + 1;
    size_t h = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
    while (true) {
      const Slot& s = slots_[h];
      if (s.key == key) return s.child;
      if (s.key == 0) return kNone;
      h = (h + 1) & mask_;
    }
  }
  uint32_t add_child(uint32_t node, uint8_t b);
  void grow();

  uint32_t root_[256];
  std::vector<int32_t> value_;  // per node
  std::vector<Slot> slots_;
  size_t mask_ = 0, used_ = 0;
};

}  // namespace bertq::text
