// Fused normalizer + pre-tokenizer + WordPiece (see fast_encoder.h).
//
// State while scanning: the current word's normalized bytes, and for each byte the original
// byte range [ob, oe) of the input character it came from. A token covering word bytes
// [b, e) gets offsets [ob[b], oe[e - 1]). An over-long word keeps only its original range.
#include "text/fast_encoder.h"

#include "core/error.h"
#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {
namespace {

struct Scratch {
  std::vector<char> word;
  std::vector<uint32_t> ob, oe;
  std::vector<Piece> pieces;
};

// Per-call word state, writing into thread-local buffers sized once per thread.
class WordBuilder {
 public:
  WordBuilder(const WordPiece& wp, uint32_t max_chars, std::vector<int32_t>& ids, Offsets& offsets)
      : wp_(wp), max_chars_(max_chars), ids_(ids), offsets_(offsets) {
    static thread_local Scratch scratch;
    s_ = &scratch;
    const size_t cap = size_t(max_chars) * 4 + 8;
    if (s_->word.size() < cap) {
      s_->word.resize(cap);
      s_->ob.resize(cap);
      s_->oe.resize(cap);
    }
    word_ = s_->word.data();
    ob_ = s_->ob.data();
    oe_ = s_->oe.data();
  }

  // Appends one normalized code point (its UTF-8 bytes) that came from input [b, e).
  inline void append(const char* bytes, size_t n, uint32_t b, uint32_t e) {
    if (len_ == 0 && !too_long_) begin_ = b;
    end_ = e;
    if (chars_ >= max_chars_) {
      too_long_ = true;
      return;
    }
    for (size_t k = 0; k < n; ++k) {
      word_[len_] = bytes[k];
      ob_[len_] = b;
      oe_[len_] = e;
      ++len_;
    }
    ++chars_;
  }

  inline void flush() {
    if (too_long_) {
      ids_.push_back(wp_.unk_id());
      offsets_.emplace_back(begin_, end_);
    } else if (len_ > 0) {
      auto& pieces = s_->pieces;
      pieces.clear();
      wp_.tokenize(word_, len_, chars_, pieces);
      for (const Piece& p : pieces) {
        ids_.push_back(p.id);
        offsets_.emplace_back(ob_[p.begin], oe_[p.end - 1]);
      }
    }
    len_ = 0;
    chars_ = 0;
    too_long_ = false;
  }

 private:
  const WordPiece& wp_;
  const uint32_t max_chars_;
  std::vector<int32_t>& ids_;
  Offsets& offsets_;
  Scratch* s_;
  char* word_;
  uint32_t *ob_, *oe_;
  size_t len_ = 0, chars_ = 0;
  bool too_long_ = false;
  uint32_t begin_ = 0, end_ = 0;
};

}  // namespace

FastEncoder::FastEncoder(const NormalizerConfig& cfg, const WordPiece* wordpiece)
    : cfg_(cfg), wp_(wordpiece) {
  for (uint32_t b = 0; b < 128; ++b) {
    uint32_t out[kMaxNormalizedChars];
    const int n = normalize_char(cfg_, b, out);
    if (n == 0) {
      ascii_[b] = {DROP, 0};
      continue;
    }
    check(n == 1 && out[0] < 0x80 && !is_chinese_char(b), ErrorCode::INTERNAL,
          "FastEncoder: ASCII byte ", b, " does not normalize to one ASCII byte");
    const char c = static_cast<char>(out[0]);
    if (is_whitespace(out[0]))
      ascii_[b] = {SPACE, c};
    else if (is_punctuation(out[0]))
      ascii_[b] = {PUNCT, c};
    else
      ascii_[b] = {CHAR, c};
  }
}

void FastEncoder::encode(std::string_view text, uint32_t base, bool replace_invalid,
                         std::vector<int32_t>& ids, Offsets& offsets) const {
  check(text.size() + base < (1ull << 32), ErrorCode::INVALID_ARGUMENT, "text of ", text.size(),
        " bytes: texts are limited to 4 GiB");
  WordBuilder w(*wp_, static_cast<uint32_t>(wp_->config().max_input_chars_per_word), ids, offsets);
  const char* s = text.data();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const auto byte = static_cast<uint8_t>(s[i]);
    if (byte < 0x80) {
      const AsciiEntry e = ascii_[byte];
      const uint32_t at = base + static_cast<uint32_t>(i);
      switch (e.kind) {
        case CHAR:
          w.append(&e.out, 1, at, at + 1);
          break;
        case SPACE:
          w.flush();
          break;
        case PUNCT:
          w.flush();
          w.append(&e.out, 1, at, at + 1);
          w.flush();
          break;
        case DROP:
          break;
      }
      ++i;
      continue;
    }
    uint32_t cp;
    size_t bad = 0;
    size_t len = decode_utf8(s, n, i, cp, &bad);
    if (len == 0) {
      if (!replace_invalid) {
        throw Error(ErrorCode::INVALID_ARGUMENT,
                    cat("text: invalid UTF-8 at byte offset ", base + i, " (byte 0x", std::hex,
                        int(byte), ")"));
      }
      cp = kReplacementChar;
      len = bad;
    }
    const uint32_t b = base + static_cast<uint32_t>(i), e = b + static_cast<uint32_t>(len);
    uint32_t out[kMaxNormalizedChars];
    const int m = normalize_char(cfg_, cp, out);
    const bool cjk = m > 0 && cfg_.handle_chinese_chars && is_chinese_char(cp);
    if (cjk) w.flush();
    for (int k = 0; k < m; ++k) {
      const uint32_t c = out[k];
      char buf[4];
      const size_t bl = encode_utf8(c, buf);
      if (is_whitespace(c)) {
        w.flush();
      } else if (is_punctuation(c)) {
        w.flush();
        w.append(buf, bl, b, e);
        w.flush();
      } else {
        w.append(buf, bl, b, e);
      }
    }
    if (cjk) w.flush();
    i += len;
  }
  w.flush();
}

}  // namespace bertq::text
