// The Unigram model of Hugging Face tokenizers (SentencePiece Unigram), exact to tokenizers
// 0.19: Viterbi segmentation of one pre-tokenized word into vocabulary pieces maximizing the
// sum of piece scores (log probabilities).
//
//   best[0] = 0; for each character start s (ascending) and each piece p that starts at s
//   (shortest first): best[s + |p|] = best[s] + score(p) when no path reached s + |p| yet or
//   the sum is strictly greater (so on ties the earliest start wins). When no piece is exactly
//   the character at s, an unknown node of score min_score - 10 (kUnkPenalty) covers that one
//   character. Sums are in double, in this order, as HF's.
//   Backtracking from the end, consecutive unknown nodes are fused into one token (fuse_unk);
//   a fused string that is itself a piece gets that piece's id, else unk_id, or with
//   byte_fallback (when every <0xNN> piece of its bytes exists) one <0xNN> token per byte,
//   each with the offsets of the whole fused string.
//
// Pieces are found with a byte trie (byte_trie.h); segment_reference() instead looks up every
// substring in a hash map; tests compare the two.
//
//   bertq::text::Unigram u({{"▁a", -1.0}, {"b", -2.0}, {"<unk>", 0.0}}, 2, false);
//   std::vector<UnigramToken> toks;  u.segment("▁ab", toks);  // (0,0,4) (1,4,5)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/byte_trie.h"
#include "text/string_id_map.h"

namespace bertq::text {

struct UnigramToken {
  int32_t id;
  uint32_t b, e;  // byte range in the word
};

class Unigram {
 public:
  static constexpr double kUnkPenalty = 10.0;

  // pieces[i] = (piece, score) has id i; unk_id < pieces.size(). Pieces must be non-empty.
  Unigram(const std::vector<std::pair<std::string, double>>& pieces, int32_t unk_id,
          bool byte_fallback);

  // Appends the tokens of `word` (valid UTF-8, not empty) to out.
  void segment(std::string_view word, std::vector<UnigramToken>& out) const;
  void segment_reference(std::string_view word, std::vector<UnigramToken>& out) const;

  int32_t unk_id() const { return unk_id_; }
  double min_score() const { return min_score_; }

 private:
  struct Node {
    double score;
    int32_t start;  // -1: not reached
    int32_t id;
  };
  template <typename PiecesAt>
  void viterbi(std::string_view word, PiecesAt&& pieces_at, std::vector<UnigramToken>& out) const;
  void emit(std::string_view word, const std::vector<Node>& best,
            std::vector<UnigramToken>& out) const;

  std::vector<double> scores_;
  std::vector<size_t> lengths_;
  ByteTrie trie_;
  StringIdMap ids_;        // piece -> id (the last id of a repeated piece, as HF's map)
  int32_t byte_ids_[256];  // <0xNN> piece ids, -1 if absent
  int32_t unk_id_;
  bool byte_fallback_;
  double min_score_;
};

}  // namespace bertq::text
