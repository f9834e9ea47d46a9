// Input decoding for the normalizing text models (see aligned_text.h).
#include "text/aligned_text.h"

#include "core/error.h"

namespace bertq::text {

void decode_input(std::string_view text, uint32_t base, bool replace_invalid,
                  std::vector<InputChar>& chars) {
  check(text.size() + base < (1ull << 32), ErrorCode::INVALID_ARGUMENT, "text of ", text.size(),
        " bytes: texts are limited to 4 GiB");
  chars.clear();
  chars.reserve(text.size());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const uint8_t lead = static_cast<uint8_t>(text[i]);
    const uint32_t at = static_cast<uint32_t>(i);
    if (lead < 0x80) {
      chars.push_back({lead, {at, at + 1}});
      ++i;
      continue;
    }
    uint32_t cp;
    size_t bad = 0;
    const size_t len = decode_utf8(text.data(), n, i, cp, &bad);
    if (len == 0) {
      if (!replace_invalid) {
        throw Error(ErrorCode::INVALID_ARGUMENT,
                    cat("text: invalid UTF-8 at byte offset ", base + i, " (byte 0x", std::hex,
                        int(lead), ")"));
      }
      chars.push_back({kReplacementChar, {at, at + static_cast<uint32_t>(bad)}});
      i += bad;
    } else {
      chars.push_back({cp, {at, at + static_cast<uint32_t>(len)}});
      i += len;
    }
  }
}

}  // namespace bertq::text
