// Character classes the BERT normalizer and pre-tokenizer use, with the exact rules of
// Hugging Face tokenizers (Rust) and Unicode data from utf8proc:
//   whitespace   Rust char::is_whitespace: U+0009..U+000D, and categories Zs, Zl, Zp, U+0085
//   control      clean_text's is_control: categories Cc, Cf, Co (the unicode_categories
//                crate's is_other), except \t \n \r which count as whitespace
//   punctuation  ASCII 33-47, 58-64, 91-96, 123-126, plus categories Pc Pd Ps Pe Pi Pf Po
//   chinese      the CJK ideograph blocks of HF's is_chinese_char (code-point ranges)
//   nonspacing   category Mn (dropped by strip_accents after NFD)
//
//   if (bertq::text::is_punctuation(cp)) ...
#pragma once

#include <cstdint>

namespace bertq::text {

bool is_whitespace(uint32_t cp);
bool is_control(uint32_t cp);
bool is_punctuation(uint32_t cp);
bool is_chinese_char(uint32_t cp);
bool is_nonspacing_mark(uint32_t cp);

}  // namespace bertq::text
