// Strict UTF-8 decoding (see utf8.h). Table 3-7 of the Unicode standard, "Well-Formed UTF-8
// Byte Sequences", is the rule: the second byte's range depends on the first byte
// (E0: A0..BF, ED: 80..9F, F0: 90..BF, F4: 80..8F), every other continuation byte is 80..BF.
#include "core/utf8.h"

#include "core/error.h"

namespace bertq {

size_t decode_utf8(const char* s, size_t n, size_t i, uint32_t& cp, size_t* invalid_length) {
  const auto* p = reinterpret_cast<const uint8_t*>(s) + i;
  const size_t avail = n - i;
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    if (invalid_length) *invalid_length = 1;
    return 0;
  }
  // Count the valid prefix so that replace mode skips the maximal invalid subpart.
  size_t k = 1;
  for (; k < len && k < avail; ++k) {
    const uint8_t b = p[k];
    const uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) break;
  }
  if (k < len) {
    if (invalid_length) *invalid_length = k;
    return 0;
  }
  if (len == 2) {
    cp = (uint32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
  } else if (len == 3) {
    cp = (uint32_t(b0 & 0x0F) << 12) | (uint32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  } else {
    cp = (uint32_t(b0 & 0x07) << 18) | (uint32_t(p[1] & 0x3F) << 12) |
         (uint32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
  return len;
}

size_t encode_utf8(uint32_t cp, char* dst) {
  if (cp < 0x80) {
    dst[0] = char(cp);
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = char(0xC0 | (cp >> 6));
    dst[1] = char(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = char(0xE0 | (cp >> 12));
    dst[1] = char(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = char(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = char(0xF0 | (cp >> 18));
  dst[1] = char(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = char(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = char(0x80 | (cp & 0x3F));
  return 4;
}

void append_utf8(std::string& out, uint32_t cp) {
  char buf[4];
  out.append(buf, encode_utf8(cp, buf));
}

size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  uint32_t cp;
  while (i < s.size()) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = decode_utf8(s.data(), s.size(), i, cp);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

bool is_valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void validate_utf8(std::string_view s, std::string_view what) {
  const size_t i = first_invalid_utf8(s);
  if (i != std::string_view::npos) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                cat(what, ": invalid UTF-8 at byte offset ", i, " (byte 0x", std::hex,
                    int(static_cast<uint8_t>(s[i])), ")"));
  }
}

std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  uint32_t cp;
  while (i < s.size()) {
    size_t bad = 0;
    const size_t n = decode_utf8(s.data(), s.size(), i, cp, &bad);
    if (n == 0) {
      append_utf8(out, kReplacementChar);
      i += bad;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace bertq
