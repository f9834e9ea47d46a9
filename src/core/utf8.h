// UTF-8 decoding, encoding and validation: the one implementation (tokenizer, datasets, CLI).
// Decoding is strict (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences. An invalid sequence is either an error naming its byte offset
// or, in replace mode, one U+FFFD standing for the maximal invalid subpart (the WHATWG / Unicode
// "best practice" rule: e.g. "\xE2\x82" followed by 'a' is one U+FFFD, then 'a').
//
//   size_t i = 0; uint32_t cp;
//   while (i < s.size()) {
//     const size_t n = bertq::decode_utf8(s.data(), s.size(), i, cp);
//     if (n == 0) throw ...;        // invalid at byte i
//     i += n;
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bertq {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at s[i] (i < n) into cp and returns its length in bytes
// (1..4), or returns 0 for an invalid sequence; then `invalid_length` (if given) receives the
// length of the maximal invalid subpart (>= 1) to skip in replace mode.
size_t decode_utf8(const char* s, size_t n, size_t i, uint32_t& cp,
                   size_t* invalid_length = nullptr);

// Appends the UTF-8 encoding of cp (a valid scalar value) to out.
void append_utf8(std::string& out, uint32_t cp);
// Writes the UTF-8 encoding of cp to dst (room for 4 bytes) and returns its length.
size_t encode_utf8(uint32_t cp, char* dst);

// The byte offset of the first invalid sequence, or std::string_view::npos when s is valid.
size_t first_invalid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);
// Number of code points in a valid UTF-8 string (counts lead bytes).
size_t utf8_length(std::string_view s);
// Throws Error(INVALID_ARGUMENT) naming the byte offset of the first invalid sequence
// (`what` names the input, e.g. "text" or "line 17").
void validate_utf8(std::string_view s, std::string_view what = "text");
// Returns s with every invalid sequence replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view s);

}  // namespace bertq
