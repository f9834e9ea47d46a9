// GPT-2's byte-level alphabet and pre-tokenizer (Hugging Face tokenizers' ByteLevel), the front
// half of RoBERTa / GPT-2 tokenization:
//   alphabet  every byte b becomes one printable code point byte_to_codepoint(b): the bytes
//             '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves, the other 68 get
//             U+0100, U+0101, ... in byte order (space 0x20 -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
//             BPE vocabularies and merges are written in this alphabet.
//   split     the GPT-2 pattern, applied to UTF-8 text:
//               's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//             as Oniguruma runs it (the first alternative that matches at a position wins;
//             every character falls in some alternative, so the pieces tile the text).
//             \p{L} = categories Lu Ll Lt Lm Lo, \p{N} = Nd Nl No (utf8proc), \s = Unicode
//             White_Space (char_class.h is_whitespace). The contractions are lowercase ASCII.
// split_gpt2 is the fast path (ASCII class table, utf8proc only for other characters);
// split_gpt2_reference decodes the text to code points and tries the alternatives one by one,
// exactly as written above. Tests compare the two.
//
//   std::vector<bertq::text::Span> pieces;
//   bertq::text::split_gpt2("I'm  here", pieces);  // "I" "'m" " " " here"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::text {

// A byte range [begin, end) of a text.
struct Span {
  uint32_t begin, end;
};

// The code point standing for byte b.
uint32_t byte_to_codepoint(uint8_t b);
// The byte a code point stands for, or -1 when cp is not in the alphabet.
int codepoint_to_byte(uint32_t cp);
// The UTF-8 text of `raw` in the byte-level alphabet (one code point per byte).
std::string byte_level_string(std::string_view raw);

// Appends the pieces of valid UTF-8 text s (offsets into s) to out.
void split_gpt2(std::string_view s, std::vector<Span>& out);
void split_gpt2_reference(std::string_view s, std::vector<Span>& out);

}  // namespace bertq::text
