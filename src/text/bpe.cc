// BPE merges (see bpe.h).
#include "text/bpe.h"

#include <algorithm>
#include <map>
#include <queue>

#include "core/error.h"
#include "core/utf8.h"
#include "text/byte_level.h"

namespace bertq::text {
namespace {

inline uint64_t pair_key(int32_t a, int32_t b) {
  return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

inline size_t pair_hash(uint64_t k) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 33;
  return static_cast<size_t>(k);
}

}  // namespace

Bpe::Bpe(const Vocab& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
         BpeOptions opt, const std::string& what)
    : vocab_(vocab), opt_(opt) {
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    append_utf8(ch, byte_to_codepoint(static_cast<uint8_t>(b)));
    byte_id_[b] = vocab.find(ch);
  }
  size_t cap = 16;
  while (cap < merges.size() * 2 + 2) cap *= 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  std::map<std::string, int32_t> ranks;
  for (size_t r = 0; r < merges.size(); ++r) {
    const auto& [left, right] = merges[r];
    const int32_t a = vocab.find(left), b = vocab.find(right);
    const int32_t c = vocab.find(left + right);
    check(a >= 0 && b >= 0 && c >= 0, ErrorCode::CORRUPT_FILE, what, "[", r, "] \"", left, " ",
          right, "\": the token \"",
          a < 0   ? left
          : b < 0 ? right
                  : left + right,
          "\" is not in the vocabulary");
    const uint64_t key = pair_key(a, b);
    size_t i = pair_hash(key) & mask_;
    while (slots_[i].key != ~0ull && slots_[i].key != key) i = (i + 1) & mask_;
    if (slots_[i].key != key) ++num_merges_;
    slots_[i].key = key;
    slots_[i].merge = {static_cast<int32_t>(r), c};
    ranks[left + " " + right] = static_cast<int32_t>(r);
  }
  ref_ranks_.assign(ranks.begin(), ranks.end());
}

const Bpe::Merge* Bpe::find_merge(int32_t left, int32_t right) const {
  const uint64_t key = pair_key(left, right);
  for (size_t i = pair_hash(key) & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.key == key) return &s.merge;
    if (s.key == ~0ull) return nullptr;
  }
}

void Bpe::tokenize(std::string_view word, std::vector<BpeToken>& out) const {
  if (opt_.ignore_merges) {
    const int32_t id = vocab_.find(byte_level_string(word));
    if (id >= 0) {
      out.push_back({id, 0, static_cast<uint32_t>(word.size())});
      return;
    }
  }
  // Symbols: one per byte (or fused unk run), linked through prev/next; a merged-away symbol
  // has id -1.
  struct Symbol {
    int32_t id, prev, next;
    uint32_t begin, end;
  };
  thread_local std::vector<Symbol> sym;
  sym.clear();
  for (size_t i = 0; i < word.size(); ++i) {
    int32_t id = byte_id_[static_cast<uint8_t>(word[i])];
    const auto b = static_cast<uint32_t>(i);
    if (id < 0) {
      if (opt_.unk_id < 0) continue;  // dropped, as HF does without an unk token
      if (opt_.fuse_unk && !sym.empty() && sym.back().id == opt_.unk_id &&
          byte_id_[static_cast<uint8_t>(word[i - 1])] < 0 && sym.back().end == b) {
        sym.back().end = b + 1;
        continue;
      }
      id = opt_.unk_id;
    }
    const auto k = static_cast<int32_t>(sym.size());
    sym.push_back({id, k - 1, k + 1, b, b + 1});
  }
  if (sym.empty()) return;
  sym.back().next = -1;

  struct Candidate {
    int32_t rank, pos, new_id;
    bool operator<(const Candidate& o) const {  // priority_queue pops the largest
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  thread_local std::vector<Candidate> heap;
  heap.clear();
  for (size_t i = 0; i + 1 < sym.size(); ++i) {
    if (const Merge* m = find_merge(sym[i].id, sym[i + 1].id)) {
      heap.push_back({m->rank, static_cast<int32_t>(i), m->new_id});
    }
  }
  std::make_heap(heap.begin(), heap.end());
  auto push = [&](Candidate c) {
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end());
  };
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end());
    const Candidate top = heap.back();
    heap.pop_back();
    Symbol& s = sym[static_cast<size_t>(top.pos)];
    if (s.id < 0 || s.next < 0) continue;
    Symbol& right = sym[static_cast<size_t>(s.next)];
    const Merge* m = find_merge(s.id, right.id);
    if (m == nullptr || m->new_id != top.new_id) continue;  // an expired candidate
    s.id = top.new_id;
    s.end = right.end;
    right.id = -1;
    s.next = right.next;
    if (s.next >= 0) sym[static_cast<size_t>(s.next)].prev = top.pos;
    if (s.prev >= 0) {
      const Symbol& p = sym[static_cast<size_t>(s.prev)];
      if (const Merge* pm = find_merge(p.id, s.id)) push({pm->rank, s.prev, pm->new_id});
    }
    if (s.next >= 0) {
      if (const Merge* nm = find_merge(s.id, sym[static_cast<size_t>(s.next)].id)) {
        push({nm->rank, top.pos, nm->new_id});
      }
    }
  }
  for (int32_t i = 0; i >= 0; i = sym[static_cast<size_t>(i)].next) {
    const Symbol& s = sym[static_cast<size_t>(i)];
    out.push_back({s.id, s.begin, s.end});
  }
}

void Bpe::tokenize_reference(std::string_view word, std::vector<BpeToken>& out) const {
  if (opt_.ignore_merges) {
    const int32_t id = vocab_.find(byte_level_string(word));
    if (id >= 0) {
      out.push_back({id, 0, static_cast<uint32_t>(word.size())});
      return;
    }
  }
  // Each symbol is a token string with its byte range.
  struct Symbol {
    std::string token;
    uint32_t begin, end;
  };
  const std::string unk = opt_.unk_id >= 0 ? vocab_.token(opt_.unk_id) : "";
  std::vector<Symbol> sym;
  for (size_t i = 0; i < word.size(); ++i) {
    const std::string ch = byte_level_string(word.substr(i, 1));
    const auto b = static_cast<uint32_t>(i);
    if (vocab_.find(ch) >= 0) {
      sym.push_back({ch, b, b + 1});
    } else if (opt_.unk_id >= 0) {
      const bool prev_unk = i > 0 && vocab_.find(byte_level_string(word.substr(i - 1, 1))) < 0;
      if (opt_.fuse_unk && prev_unk && !sym.empty() && sym.back().end == b) {
        sym.back().end = b + 1;
      } else {
        sym.push_back({unk, b, b + 1});
      }
    }
  }
  auto rank_of = [&](const std::string& l, const std::string& r) {
    const std::string key = l + " " + r;
    auto it = std::lower_bound(ref_ranks_.begin(), ref_ranks_.end(), key,
                               [](const auto& e, const std::string& k) { return e.first < k; });
    return it != ref_ranks_.end() && it->first == key ? it->second : -1;
  };
  for (;;) {
    size_t best = 0;
    int32_t best_rank = -1;
    for (size_t i = 0; i + 1 < sym.size(); ++i) {
      const int32_t r = rank_of(sym[i].token, sym[i + 1].token);
      if (r >= 0 && (best_rank < 0 || r < best_rank)) {
        best_rank = r;
        best = i;
      }
    }
    if (best_rank < 0) break;
    sym[best].token += sym[best + 1].token;
    sym[best].end = sym[best + 1].end;
    sym.erase(sym.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  for (const Symbol& s : sym) out.push_back({vocab_.find(s.token), s.begin, s.end});
}

}  // namespace bertq::text
