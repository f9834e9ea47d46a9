// The Unigram model (see unigram.h).
#include "text/unigram.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/error.h"
#include "core/utf8.h"

namespace bertq::text {
namespace {

size_t char_length(uint8_t lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;  // valid UTF-8 assumed
}

}  // namespace

Unigram::Unigram(const std::vector<std::pair<std::string, double>>& pieces, int32_t unk_id,
                 bool byte_fallback)
    : unk_id_(unk_id), byte_fallback_(byte_fallback) {
  check(!pieces.empty() && unk_id >= 0 && static_cast<size_t>(unk_id) < pieces.size(),
        ErrorCode::INTERNAL, "Unigram: unk_id ", unk_id, " outside ", pieces.size(), " pieces");
  min_score_ = std::numeric_limits<double>::infinity();
  scores_.reserve(pieces.size());
  lengths_.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    const auto& [piece, score] = pieces[i];
    check(!piece.empty(), ErrorCode::INTERNAL, "Unigram: piece ", i, " is empty");
    scores_.push_back(score);
    lengths_.push_back(piece.size());
    if (score < min_score_) min_score_ = score;
    ids_.insert(piece, static_cast<int32_t>(i));
  }
  // The trie's value for a piece is the id the map gives it (the last of duplicates).
  std::vector<std::pair<std::string, int32_t>> keys;
  keys.reserve(pieces.size());
  for (const auto& p : pieces) keys.emplace_back(p.first, ids_.find(p.first));
  trie_ = ByteTrie(keys);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_ids_[b] = ids_.find(name);
  }
}

template <typename PiecesAt>
void Unigram::viterbi(std::string_view word, PiecesAt&& pieces_at,
                      std::vector<UnigramToken>& out) const {
  const size_t n = word.size();
  thread_local std::vector<Node> best;
  best.assign(n + 1, Node{0.0, -1, 0});
  const double unk_score = min_score_ - kUnkPenalty;
  for (size_t s = 0; s < n;) {
    const double here = best[s].score;
    const size_t mblen = char_length(static_cast<uint8_t>(word[s]));
    bool single = false;
    pieces_at(s, [&](size_t len, int32_t id) {
      Node& t = best[s + len];
      const double cand = scores_[static_cast<size_t>(id)] + here;
      if (t.start < 0 || cand > t.score) t = Node{cand, static_cast<int32_t>(s), id};
      single |= len == mblen;
    });
    if (!single) {
      Node& t = best[s + mblen];
      const double cand = unk_score + here;
      if (t.start < 0 || cand > t.score) t = Node{cand, static_cast<int32_t>(s), unk_id_};
    }
    s += mblen;
  }
  emit(word, best, out);
}

void Unigram::emit(std::string_view word, const std::vector<Node>& best,
                   std::vector<UnigramToken>& out) const {
  // Backtrack into reversed tokens, fusing runs of unknown nodes.
  const size_t first = out.size();
  size_t end = word.size(), unk_end = 0;
  bool in_unk = false;
  auto flush_unk = [&](size_t b) {
    // The fused unknown string [b, unk_end).
    const std::string_view s = word.substr(b, unk_end - b);
    const int32_t id = ids_.find(s);
    if (id >= 0) {
      out.push_back({id, uint32_t(b), uint32_t(unk_end)});
      return;
    }
    if (byte_fallback_) {
      bool all = true;
      for (const char c : s) all &= byte_ids_[static_cast<uint8_t>(c)] >= 0;
      if (all) {
        for (size_t k = s.size(); k-- > 0;)  // reversed, like every token here
          out.push_back({byte_ids_[static_cast<uint8_t>(s[k])], uint32_t(b), uint32_t(unk_end)});
        return;
      }
    }
    out.push_back({unk_id_, uint32_t(b), uint32_t(unk_end)});
  };
  size_t unk_begin = 0;
  while (end > 0) {
    const Node& node = best[end];
    const size_t start = static_cast<size_t>(node.start);
    if (node.id == unk_id_) {
      if (!in_unk) {
        in_unk = true;
        unk_end = end;
      }
      unk_begin = start;
    } else {
      if (in_unk) {
        flush_unk(unk_begin);
        in_unk = false;
      }
      out.push_back({node.id, uint32_t(start), uint32_t(end)});
    }
    end = start;
  }
  if (in_unk) flush_unk(unk_begin);
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

void Unigram::segment(std::string_view word, std::vector<UnigramToken>& out) const {
  viterbi(
      word, [&](size_t s, auto&& fn) { trie_.prefixes(word.substr(s), fn); }, out);
}

void Unigram::segment_reference(std::string_view word, std::vector<UnigramToken>& out) const {
  viterbi(
      word,
      [&](size_t s, auto&& fn) {
        for (size_t len = 1; s + len <= word.size(); ++len) {
          const int32_t id = ids_.find(word.substr(s, len));
          if (id >= 0) fn(len, id);
        }
      },
      out);
}

}  // namespace bertq::text
