// Text under normalization with Hugging Face tokenizers' alignments (NormalizedString): every
// byte of the normalized UTF-8 text records the byte range [b, e) of the original text it came
// from (all bytes of one normalized character share one range). A token covering normalized
// bytes [i, j) has original offsets (align[i].b, align[j - 1].e), as HF's convert_offsets.
//
// The original text enters as InputChar: its characters after UTF-8 decoding (an invalid
// sequence, in replace mode, is one U+FFFD covering the invalid bytes), each with its range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace bertq::text {

struct Align {
  uint32_t b, e;
};

struct InputChar {
  uint32_t cp;
  Align span;
};

struct AlignedText {  // UTF-8 text with the original range of each byte
  std::string text;
  std::vector<Align> align;  // one per byte of text

  void clear() {
    text.clear();
    align.clear();
  }
  void append(uint32_t cp, Align a) {
    char buf[4];
    const size_t n = encode_utf8(cp, buf);
    text.append(buf, n);
    align.insert(align.end(), n, a);
  }
};

// Decodes text into chars (cleared first): offsets are relative to text. Invalid UTF-8 throws
// Error(INVALID_ARGUMENT) naming the byte offset base + i, or with replace_invalid becomes one
// U+FFFD per maximal invalid subpart.
void decode_input(std::string_view text, uint32_t base, bool replace_invalid,
                  std::vector<InputChar>& chars);

}  // namespace bertq::text
