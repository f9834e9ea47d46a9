// The BERT normalizer (HF BertNormalizer), applied code point by code point:
//   1. clean_text: drop U+0000, U+FFFD and control characters (char_class.h); map every
//      whitespace character to ' '.
//   2. handle_chinese_chars: put ' ' before and after each CJK ideograph.
//   3. strip_accents: canonical decomposition (NFD, utf8proc), then drop category Mn.
//   4. lowercase: Rust's char::to_lowercase, the full mapping (U+0130 'İ' -> "i\u0307"),
//      without the final-sigma rule.
// Per-character NFD differs from whole-string NFD only in the canonical reordering of
// adjacent combining marks; with strip_accents the reordered marks are Mn and are dropped,
// so the result is the same except for a few spacing marks with a non-zero combining class.
//
//   bertq::text::NormalizerConfig cfg;            // bert-base-uncased defaults
//   uint32_t out[bertq::text::kMaxNormalizedChars];
//   int n = bertq::text::normalize_char(cfg, 0xC9, out);  // 'É' -> 'e' (n == 1)
//   std::string s = bertq::text::normalize(cfg, "Héllo 北京").text;  // "hello  北  京 "
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::text {

struct NormalizerConfig {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;  // HF's null strip_accents means "same as lowercase"
  bool lowercase = true;
};

// Upper bound of the code points one input code point normalizes to (NFD gives at most 4,
// full lowercase at most 2 per decomposed code point).
inline constexpr int kMaxNormalizedChars = 16;

// Normalizes one code point (steps 1, 3, 4; step 2 is the caller's, see is_chinese_char)
// into out[0..n) and returns n (0 when clean_text drops it). Whitespace is returned as ' '
// when clean_text is on, unchanged otherwise.
int normalize_char(const NormalizerConfig& cfg, uint32_t cp, uint32_t* out);

// A normalized string with, for each of its bytes, the byte range [begin, end) of the
// original character it came from.
struct NormalizedText {
  std::string text;
  std::vector<uint32_t> orig_begin, orig_end;
};

// Reference normalizer over a whole string (all four steps). Invalid UTF-8 is an Error naming
// the byte offset, or with replace_invalid a U+FFFD per invalid subpart (which clean_text
// then drops).
NormalizedText normalize(const NormalizerConfig& cfg, std::string_view text,
                         bool replace_invalid = false);

}  // namespace bertq::text
