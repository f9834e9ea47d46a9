// BERT normalizer (see normalizer.h for the rules and their order).
#include "text/normalizer.h"

#include <utf8proc.h>

#include "core/error.h"
#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {
namespace {

// Rust char::to_lowercase: utf8proc's simple mapping plus SpecialCasing.txt's only
// unconditional multi-character lowercase, U+0130 -> U+0069 U+0307.
int to_lowercase(uint32_t cp, uint32_t* out) {
  if (cp == 0x130) {
    out[0] = 'i';
    out[1] = 0x307;
    return 2;
  }
  out[0] = static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
  return 1;
}

}  // namespace

int normalize_char(const NormalizerConfig& cfg, uint32_t cp, uint32_t* out) {
  if (cfg.clean_text) {
    if (cp == 0 || cp == kReplacementChar || is_control(cp)) return 0;
    if (is_whitespace(cp)) {
      out[0] = ' ';
      return 1;
    }
  }
  uint32_t dec[kMaxNormalizedChars];
  int n = 1;
  dec[0] = cp;
  if (cfg.strip_accents && cp >= 0x80) {
    utf8proc_int32_t buf[kMaxNormalizedChars];
    const auto r = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf,
                                           kMaxNormalizedChars / 2, UTF8PROC_DECOMPOSE, nullptr);
    if (r < 0 || r > kMaxNormalizedChars / 2) {
      throw Error(ErrorCode::INTERNAL, cat("normalizer: cannot decompose U+", std::hex, cp));
    }
    n = 0;
    for (int i = 0; i < r; ++i) {
      const auto c = static_cast<uint32_t>(buf[i]);
      if (!is_nonspacing_mark(c)) dec[n++] = c;
    }
  }
  if (!cfg.lowercase) {
    for (int i = 0; i < n; ++i) out[i] = dec[i];
    return n;
  }
  int m = 0;
  for (int i = 0; i < n; ++i) m += to_lowercase(dec[i], out + m);
  return m;
}

NormalizedText normalize(const NormalizerConfig& cfg, std::string_view text, bool replace_invalid) {
  NormalizedText r;
  r.text.reserve(text.size());
  auto push = [&](uint32_t c, size_t b, size_t e) {
    append_utf8(r.text, c);
    r.orig_begin.resize(r.text.size(), static_cast<uint32_t>(b));
    r.orig_end.resize(r.text.size(), static_cast<uint32_t>(e));
  };
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp;
    size_t bad = 0;
    size_t len = decode_utf8(text.data(), text.size(), i, cp, &bad);
    if (len == 0) {
      if (!replace_invalid) {
        throw Error(ErrorCode::INVALID_ARGUMENT,
                    cat("text: invalid UTF-8 at byte offset ", i, " (byte 0x", std::hex,
                        int(static_cast<uint8_t>(text[i])), ")"));
      }
      cp = kReplacementChar;
      len = bad;
    }
    uint32_t out[kMaxNormalizedChars];
    const int n = normalize_char(cfg, cp, out);
    const bool cjk = cfg.handle_chinese_chars && n > 0 && is_chinese_char(cp);
    if (cjk) push(' ', i, i + len);
    for (int k = 0; k < n; ++k) push(out[k], i, i + len);
    if (cjk) push(' ', i, i + len);
    i += len;
  }
  return r;
}

}  // namespace bertq::text
