// Shared fixtures for the text tests: a small in-memory BERT vocabulary.
#pragma once

#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace bertq::text::testing {

// ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then the words below in order.
inline std::vector<std::string> small_vocab() {
  return {"[PAD]",  "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "un",   "##aff",
          "##able", "aff",   ",",     "!",     ".",      "'",     "cafe",  "café", "the",
          "movie",  "##s",   "i",     "##̇",    "a",      "b",     "c",     "x",    "y",
          "z",      "北",    "京",    "naive", "don",    "t",     "?",     "##b",  "Hello",
          "É",      "σ",     "##ς",   "ς",     "-",      "e",     "##e"};
}

inline Tokenizer small_tokenizer(bool lowercase = true) {
  return Tokenizer::from_tokens(small_vocab(), lowercase);
}

}  // namespace bertq::text::testing
