// WordPiece (HF tokenizers' WordPiece model): greedy longest-match-first segmentation of one
// pre-tokenized word. At byte position `start` it takes the longest vocab entry that matches
// word[start, end) (spelled with the continuation prefix "##" when start > 0), moving `end`
// back one character at a time; if no entry matches at some position, or the word has more
// than max_input_chars_per_word characters, the whole word becomes the single unk token.
// Lookups probe two hash maps (whole tokens, and continuation tokens without their prefix),
// so no string is built per probe.
//
//   bertq::text::WordPiece wp(vocab, {});
//   std::vector<bertq::text::Piece> out;
//   wp.tokenize("unaffable", 9, 9, out);  // un ##aff ##able, as (id, byte begin, byte end)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/string_id_map.h"
#include "text/vocab.h"

namespace bertq::text {

struct WordPieceConfig {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  int max_input_chars_per_word = 100;
};

// One output token: its id and the byte range [begin, end) of the word it covers.
struct Piece {
  int32_t id;
  uint32_t begin, end;
};

class WordPiece {
 public:
  WordPiece() = default;
  WordPiece(const Vocab& vocab, WordPieceConfig cfg);

  // Appends the pieces of word[0, n) (valid UTF-8, `chars` code points) to out.
  void tokenize(const char* word, size_t n, size_t chars, std::vector<Piece>& out) const;

  const WordPieceConfig& config() const { return cfg_; }
  int32_t unk_id() const { return unk_id_; }

 private:
  WordPieceConfig cfg_;
  int32_t unk_id_ = -1;
  StringIdMap whole_, cont_;
};

}  // namespace bertq::text
