// A WordPiece vocabulary trainer in the style of HF tokenizers' WordPieceTrainer (which runs
// its BPE trainer with the "##" continuation prefix): texts are normalized and pre-tokenized
// as BERT does; words are counted; the alphabet (at most limit_alphabet most frequent
// characters) seeds the vocabulary after the special tokens, with "##c" for characters inside
// a word; then the most frequent adjacent pair of symbols is merged repeatedly (ties: the pair
// of lower ids first) until vocab_size tokens exist or the best pair is rarer than
// min_frequency. A merge of "un" and "##aff" makes "unaff"; of "##un" and "##aff", "##unaff".
// Deterministic: the same texts in the same order give the same vocabulary.
//
//   bertq::text::VocabTrainer t({.vocab_size = 8000});
//   t.add_file("corpus.jsonl.gz");       // plain lines, or JSON Lines (the "text" field)
//   std::vector<std::string> vocab = t.train();   // id order: write one per line as vocab.txt
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/normalizer.h"

namespace bertq::text {

struct VocabTrainerOptions {
  size_t vocab_size = 30522;
  uint64_t min_frequency = 2;
  size_t limit_alphabet = 1000;
  std::vector<std::string> special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  std::string continuing_subword_prefix = "##";
  NormalizerConfig normalizer = {};  // bert-base-uncased defaults
};

class VocabTrainer {
 public:
  explicit VocabTrainer(VocabTrainerOptions opts = {});

  // Normalizes and pre-tokenizes one text and counts its words (invalid UTF-8 is replaced).
  void add_text(std::string_view text);
  // Every line of a plain or gzip file; a line that parses as a JSON object contributes its
  // `text_field` (an object without it is an Error naming the file and line).
  void add_file(const std::string& path, const std::string& text_field = "text");
  size_t num_words() const { return counts_.size(); }

  // The vocabulary, in id order.
  std::vector<std::string> train() const;

 private:
  VocabTrainerOptions opts_;
  std::unordered_map<std::string, uint64_t> counts_;
};

}  // namespace bertq::text
