// Offset trimming of the byte-level post-processors (see offset_trim.h).
#include "text/offset_trim.h"

#include <algorithm>
#include <vector>

#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {

uint32_t edge_spaces(std::string_view token) {
  std::vector<bool> space;
  for (size_t i = 0; i < token.size();) {
    uint32_t cp;
    size_t len = decode_utf8(token.data(), token.size(), i, cp);
    if (len == 0) {
      len = 1;
      cp = kReplacementChar;
    }
    space.push_back(cp == 0x120 || is_whitespace(cp));
    i += len;
  }
  size_t lead = 0, trail = 0;
  while (lead < space.size() && space[lead]) ++lead;
  while (trail < space.size() && space[space.size() - 1 - trail]) ++trail;
  return static_cast<uint32_t>(std::min<size_t>(lead, 0xFFFF) << 16 |
                               std::min<size_t>(trail, 0xFFFF));
}

namespace {

bool continuation(std::string_view text, uint32_t p) {
  return p < text.size() && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80;
}

}  // namespace

void trim_offsets(std::string_view text, const uint32_t* spaces,
                  std::pair<uint32_t, uint32_t>* offsets, size_t n, bool add_prefix_space) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t lead = spaces[i] >> 16;
    const uint32_t trail = spaces[i] & 0xFFFF;
    auto& [b, e] = offsets[i];
    if (lead > 0) {
      const bool first = i == 0 || b == 0;
      if (first && add_prefix_space && lead == 1) lead = 0;
      // start + lead characters, at most the end.
      for (uint32_t k = 0; k < lead && b < e; ++k) {
        ++b;
        while (b < e && continuation(text, b)) ++b;
      }
    }
    if (trail > 0) {
      // end - trail characters, if that many precede it; at least the start.
      uint32_t p = e, k = 0;
      for (; k < trail && p > 0; ++k) {
        --p;
        while (p > 0 && continuation(text, p)) --p;
      }
      if (k == trail) e = std::max(p, b);
    }
  }
}

}  // namespace bertq::text
