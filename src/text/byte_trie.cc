// Double-array byte trie (see byte_trie.h).
#include "text/byte_trie.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace bertq::text {

ByteTrie::ByteTrie(const std::vector<std::pair<std::string, int32_t>>& keys) {
  // A pointer trie first: children as (byte, node) lists.
  struct Node {
    std::vector<std::pair<uint8_t, uint32_t>> kids;
    int32_t value = -1;
  };
  std::vector<Node> nodes(1);
  for (const auto& [key, v] : keys) {
    check(!key.empty() && v >= 0, ErrorCode::INTERNAL, "byte trie: empty key or negative value");
    uint32_t n = 0;
    for (const char ch : key) {
      const uint8_t c = static_cast<uint8_t>(ch);
      auto& kids = nodes[n].kids;
      auto it = std::find_if(kids.begin(), kids.end(), [&](const auto& k) { return k.first == c; });
      if (it == kids.end()) {
        nodes.emplace_back();
        nodes[n].kids.emplace_back(c, static_cast<uint32_t>(nodes.size() - 1));
        n = static_cast<uint32_t>(nodes.size() - 1);
      } else {
        n = it->second;
      }
    }
    nodes[n].value = v;
  }
  check(nodes.size() < (1u << 30), ErrorCode::INTERNAL, "byte trie: too many nodes");

  // Breadth first: place each node's children at the first base where all their cells are free.
  // Candidate bases put the first child on a free cell; next_free() finds those through
  // union-find style links (each occupied cell points further right), so dense stretches of
  // the array are skipped in near-constant time.
  cells_.assign(512, Cell{0, -1, -1});
  std::vector<uint32_t> link(cells_.size());
  for (size_t i = 0; i < link.size(); ++i) link[i] = static_cast<uint32_t>(i);
  auto grow = [&](size_t need) {
    while (cells_.size() < need) {
      const size_t old = cells_.size();
      cells_.resize(old * 2, Cell{0, -1, -1});
      link.resize(old * 2);
      for (size_t i = old; i < link.size(); ++i) link[i] = static_cast<uint32_t>(i);
    }
  };
  auto next_free = [&](size_t i) {
    grow(i + 1);
    while (link[i] != i) {
      grow(link[i] + 1);
      if (link[link[i]] != link[i]) link[i] = link[link[i]];
      i = link[i];
    }
    return i;
  };
  auto occupy = [&](size_t i, int32_t parent) {
    cells_[i].check = parent;
    link[i] = static_cast<uint32_t>(i + 1);
  };
  occupy(0, std::numeric_limits<int32_t>::max());           // the root is nobody's child
  std::vector<std::pair<uint32_t, int32_t>> queue{{0, 0}};  // (node, state)
  for (size_t q = 0; q < queue.size(); ++q) {
    const auto [node, state] = queue[q];
    auto& kids = nodes[node].kids;
    if (kids.empty()) continue;
    std::sort(kids.begin(), kids.end());
    size_t cell = next_free(static_cast<size_t>(kids[0].first) + 1);  // base >= 1
    while (true) {
      const size_t base = cell - kids[0].first;
      grow(base + 257);
      bool fits = true;
      for (size_t k = 1; fits && k < kids.size(); ++k)
        fits = cells_[base + kids[k].first].check == -1;
      if (fits) break;
      cell = next_free(cell + 1);
    }
    const int32_t base = static_cast<int32_t>(cell - kids[0].first);
    cells_[static_cast<size_t>(state)].base = base;
    for (const auto& [c, child] : kids) {
      const size_t t = static_cast<size_t>(base) + c;
      occupy(t, state);
      cells_[t].value = nodes[child].value;
      queue.emplace_back(child, static_cast<int32_t>(t));
    }
  }
  // 256 spare cells past the last used one keep every base + byte inside the array.
  size_t last = 0;
  for (size_t i = 0; i < cells_.size(); ++i)
    if (cells_[i].check != -1) last = std::max<size_t>(last, std::max<size_t>(i, cells_[i].base));
  cells_.resize(last + 257, Cell{0, -1, -1});
}

}  // namespace bertq::text
