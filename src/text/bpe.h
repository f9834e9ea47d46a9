// The BPE model of Hugging Face tokenizers for byte-level vocabularies (RoBERTa, GPT-2): a word
// (one pre-tokenizer piece, raw bytes) starts as one symbol per byte, the vocabulary id of the
// byte's character in the byte-level alphabet (byte_level.h); then, repeatedly, the adjacent
// pair with the lowest merge rank (the line number in merges; leftmost on a tie) becomes the
// merged token, until no adjacent pair has a merge. A byte whose character is not in the
// vocabulary becomes the unk token (consecutive ones fused into one with fuse_unk), or is
// dropped when the model has no unk token, as HF does (HF's offsets of the tokens after a
// dropped byte then shift by its length; ours stay on their bytes; byte-level vocabularies
// hold all 256 byte characters, so this does not arise for them). With ignore_merges a word
// that is itself a token is that token.
//
// tokenize() is the fast path (symbols in a linked list over arrays, candidate merges in a
// binary heap ordered by (rank, position), as HF's Word::merge_all); tokenize_reference() is
// the rule above step by step on strings. Tests compare them.
//
//   bertq::text::Bpe bpe(vocab, {{"Ġ", "t"}, {"h", "e"}}, {}, "tokenizer.json");
//   std::vector<bertq::text::BpeToken> toks;
//   bpe.tokenize(" the", toks);   // ids of "Ġt", "he" with byte ranges [0, 2) and [2, 4)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/vocab.h"

namespace bertq::text {

// A token of a word: its id and byte range [begin, end) in the word.
struct BpeToken {
  int32_t id;
  uint32_t begin, end;
};

struct BpeOptions {
  int32_t unk_id = -1;  // -1: none (bytes outside the vocabulary are dropped)
  bool fuse_unk = false;
  bool ignore_merges = false;
};

class Bpe {
 public:
  // merges[r] = (left, right) has rank r; both and their concatenation must be tokens of
  // vocab (Error(CORRUPT_FILE) "WHAT[r] ..." naming the missing token otherwise). A pair listed
  // twice keeps its later rank, as HF does. vocab must outlive the model.
  Bpe(const Vocab& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
      BpeOptions opt, const std::string& what);

  // Appends the tokens of `word` (raw bytes, non-empty) to out.
  void tokenize(std::string_view word, std::vector<BpeToken>& out) const;
  void tokenize_reference(std::string_view word, std::vector<BpeToken>& out) const;

  int32_t unk_id() const { return opt_.unk_id; }
  size_t num_merges() const { return num_merges_; }

 private:
  struct Merge {
    int32_t rank, new_id;
  };
  // Open-addressing table from (left id, right id) to the merge.
  struct Slot {
    uint64_t key = ~0ull;
    Merge merge{};
  };
  const Merge* find_merge(int32_t left, int32_t right) const;

  const Vocab& vocab_;
  BpeOptions opt_;
  int32_t byte_id_[256];
  std::vector<Slot> slots_;
  size_t mask_ = 0, num_merges_ = 0;
  // The reference's table: "left right" -> rank (the new token is left + right).
  std::vector<std::pair<std::string, int32_t>> ref_ranks_;
};

}  // namespace bertq::text
