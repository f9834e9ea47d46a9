// The BERT pre-tokenizer (HF BertPreTokenizer), reference version: splits a normalized string
// into words on whitespace (Rust char::is_whitespace, removed) and around every punctuation
// character (char_class.h), each punctuation character becoming a word of its own.
// The fused fast path in fast_encoder.cc applies the same rules while normalizing.
//
//   auto words = bertq::text::pre_tokenize("hello, world!");
//   // {"hello", ",", "world", "!"} as byte ranges [begin, end) of the input
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::text {

// Byte ranges [begin, end) of the words of `normalized` (valid UTF-8).
std::vector<std::pair<uint32_t, uint32_t>> pre_tokenize(std::string_view normalized);

}  // namespace bertq::text
