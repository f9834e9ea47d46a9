// GPT-2 byte-level alphabet and pre-tokenizer split (see byte_level.h).
#include "text/byte_level.h"

#include <utf8proc.h>

#include <array>

#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {
namespace {

struct Alphabet {
  std::array<uint32_t, 256> to_cp{};
  Alphabet() {
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      to_cp[b] = printable ? static_cast<uint32_t>(b) : next++;
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet a;
  return a;
}

// Character classes of the pattern.
enum Class : uint8_t { OTHER, LETTER, NUMBER, SPACE };

Class class_of(uint32_t cp) {
  if (is_whitespace(cp)) return SPACE;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return LETTER;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return NUMBER;
    default:
      return OTHER;
  }
}

struct AsciiClasses {
  std::array<Class, 128> c{};
  AsciiClasses() {
    for (uint32_t b = 0; b < 128; ++b) c[b] = class_of(b);
  }
};

// Class of the character at s[i] and its length in bytes (s is valid UTF-8).
inline Class class_at(const char* s, size_t n, size_t i, size_t& len) {
  static const AsciiClasses ascii;
  const auto b = static_cast<uint8_t>(s[i]);
  if (b < 0x80) {
    len = 1;
    return ascii.c[b];
  }
  uint32_t cp;
  len = decode_utf8(s, n, i, cp);
  if (len == 0) len = 1;  // not reached for valid text
  return class_of(cp);
}

// Length of a contraction ('s 't 're 've 'm 'll 'd) at s[i], or 0.
inline size_t contraction(const char* s, size_t n, size_t i) {
  if (s[i] != '\'' || i + 1 >= n) return 0;
  const char a = s[i + 1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= n) return 0;
  const char b = s[i + 2];
  return (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') ? 3 : 0;
}

}  // namespace

uint32_t byte_to_codepoint(uint8_t b) {
  return alphabet().to_cp[b];
}

int codepoint_to_byte(uint32_t cp) {
  if (cp < 256) {
    const bool printable = (cp >= '!' && cp <= '~') || (cp >= 0xA1 && cp <= 0xAC) || cp >= 0xAE;
    return printable ? static_cast<int>(cp) : -1;
  }
  if (cp >= 256 + 68) return -1;
  for (int b = 0; b < 256; ++b)
    if (alphabet().to_cp[b] == cp) return b;
  return -1;
}

std::string byte_level_string(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char c : raw) append_utf8(out, byte_to_codepoint(static_cast<uint8_t>(c)));
  return out;
}

void split_gpt2(std::string_view text, std::vector<Span>& out) {
  const char* s = text.data();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const size_t c = contraction(s, n, i);
    if (c > 0) {
      out.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i + c)});
      i += c;
      continue;
    }
    // ` ?X+` for X = letters, numbers, others: an optional space, then a run of one class.
    size_t j = i, len;
    if (s[i] == ' ' && i + 1 < n) j = i + 1;
    Class k = class_at(s, n, j, len);
    if (k == SPACE && j != i) {
      j = i;
      k = SPACE;
      len = 1;
    }
    size_t e = j + len;
    if (k != SPACE) {
      size_t l;
      while (e < n && class_at(s, n, e, l) == k) e += l;
      out.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
      i = e;
      continue;
    }
    // `\s+(?!\S)|\s+`: the whitespace run, less its last character when a non-space follows
    // (that character then starts the next piece), unless the run is one character.
    size_t last = i;
    e = i;
    size_t l;
    while (e < n && class_at(s, n, e, l) == SPACE) {
      last = e;
      e += l;
    }
    if (e < n && last > i) e = last;
    out.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
    i = e;
  }
}

namespace {

// One code point of the reference: its class, value and byte offset.
struct RefChar {
  uint32_t cp;
  Class cls;
  uint32_t offset;
};

// Length in characters of the match of each alternative at position i, 0 = no match.
size_t ref_contraction(const std::vector<RefChar>& t, size_t i) {
  static const char* kForms[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
  for (const char* f : kForms) {
    size_t k = 0;
    while (f[k] != 0 && i + k < t.size() && t[i + k].cp == static_cast<uint8_t>(f[k])) ++k;
    if (f[k] == 0) return k;
  }
  return 0;
}

// ` ?C+` where C is a class (OTHER means [^\s\p{L}\p{N}]): the greedy optional space first.
size_t ref_space_run(const std::vector<RefChar>& t, size_t i, Class c) {
  for (size_t sp : {size_t{1}, size_t{0}}) {
    if (sp == 1 && t[i].cp != ' ') continue;
    size_t k = i + sp;
    while (k < t.size() && t[k].cls == c) ++k;
    if (k > i + sp) return k - i;
  }
  return 0;
}

// `\s+(?!\S)`: the longest whitespace run not followed by a non-space character.
size_t ref_space_lookahead(const std::vector<RefChar>& t, size_t i) {
  size_t k = i;
  while (k < t.size() && t[k].cls == SPACE) ++k;
  for (; k > i; --k) {
    if (k == t.size() || t[k].cls == SPACE) return k - i;
  }
  return 0;
}

size_t ref_space(const std::vector<RefChar>& t, size_t i) {
  size_t k = i;
  while (k < t.size() && t[k].cls == SPACE) ++k;
  return k - i;
}

}  // namespace

void split_gpt2_reference(std::string_view s, std::vector<Span>& out) {
  std::vector<RefChar> t;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    const size_t len = decode_utf8(s.data(), s.size(), i, cp);
    t.push_back({cp, class_of(cp), static_cast<uint32_t>(i)});
    i += len == 0 ? 1 : len;
  }
  const auto offset = [&](size_t k) {
    return k < t.size() ? t[k].offset : static_cast<uint32_t>(s.size());
  };
  for (size_t i = 0; i < t.size();) {
    size_t m = ref_contraction(t, i);
    if (m == 0) m = ref_space_run(t, i, LETTER);
    if (m == 0) m = ref_space_run(t, i, NUMBER);
    if (m == 0) m = ref_space_run(t, i, OTHER);
    if (m == 0) m = ref_space_lookahead(t, i);
    if (m == 0) m = ref_space(t, i);
    out.push_back({offset(i), offset(i + m)});
    i += m;
  }
}

}  // namespace bertq::text
