// A trie over byte strings with an int32 value per key, for prefix searches: the Unigram
// model's pieces (unigram.h).
//
// Layout: a double array (Aoe 1989). State 0 is the root; the child of state s on byte c is
// t = base[s] + c when check[t] == s. value[t] is the value of the key ending at t, or -1.
// The array has 256 spare cells past the largest base, so a lookup needs no bounds check: one
// load and one compare per byte. Built once from all keys (breadth first, each node's base the
// first that fits all its children).
//
//   bertq::text::ByteTrie t({{"ab", 7}, {"a", 3}});
//   t.prefixes("abc", [](size_t len, int32_t v) { /* (1, 3) then (2, 7) */ });
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::text {

class ByteTrie {
 public:
  ByteTrie() : cells_(256, Cell{0, -1, -1}) {}
  // Keys must be non-empty and values >= 0; a key given twice keeps the last value.
  explicit ByteTrie(const std::vector<std::pair<std::string, int32_t>>& keys);

  // Calls fn(length, value) for every key that is a prefix of s, shortest first.
  template <typename Fn>
  void prefixes(std::string_view s, Fn&& fn) const {
    const Cell* cells = cells_.data();
    int32_t state = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const int32_t t = cells[state].base + static_cast<uint8_t>(s[i]);
      if (cells[t].check != state) return;
      state = t;
      if (cells[t].value >= 0) fn(i + 1, cells[t].value);
    }
  }
  size_t cells() const { return cells_.size(); }

 private:
  struct Cell {
    int32_t base;   // children of this state at base + byte
    int32_t check;  // parent state, -1 = free
    int32_t value;  // -1 = no key ends here
  };
  std::vector<Cell> cells_;
};

}  // namespace bertq::text
