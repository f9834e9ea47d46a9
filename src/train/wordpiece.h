// A private, minimal BERT uncased tokenizer for the trainer: clean text, lowercase, strip
// accents (NFD, drop Mn marks), split on whitespace, punctuation and CJK ideographs, then
// greedy longest-match WordPiece ("##" continuations, words over 100 characters -> [UNK]).
// Encodings are [CLS] tokens [SEP], truncated to max_length by head, tail or head+tail
// (the first quarter of the budget from the head, the rest from the tail).
// TODO(train): replace with text::Tokenizer (exact HF parity) once src/text lands on main.
//
//   auto tok = train::WordPiece::from_vocab("model/vocab.txt");
//   train::Encoded e = tok.encode("A great film!", 256, train::Truncation::HEAD);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bertq::train {

enum class Truncation { HEAD, TAIL, HEAD_TAIL };
// "head", "tail", "head+tail"; INVALID_ARGUMENT otherwise.
Truncation parse_truncation(std::string_view s);

struct Encoded {
  std::vector<int32_t> ids;  // [CLS] ... [SEP]; type ids are all 0, the mask all 1
};

class WordPiece {
 public:
  static WordPiece from_vocab(const std::string& vocab_path);
  // Pieces of one text (no special tokens).
  std::vector<int32_t> tokenize(std::string_view text) const;
  Encoded encode(std::string_view text, int max_length, Truncation trunc) const;
  int32_t pad_id() const { return pad_; }
  int32_t vocab_size() const { return static_cast<int32_t>(vocab_.size()); }

 private:
  void wordpiece(const std::string& word, std::vector<int32_t>& out) const;
  std::unordered_map<std::string, int32_t> vocab_;
  int32_t cls_ = 0, sep_ = 0, unk_ = 0, pad_ = 0;
};

}  // namespace bertq::train
