// The fused fast path: normalizer + pre-tokenizer + WordPiece in one pass over the text,
// producing token ids and byte offsets without building the normalized string. ASCII bytes
// (most of a review) go through a 128-entry table computed from the reference normalizer at
// construction; other characters are decoded and normalized with utf8proc. Words longer
// than max_input_chars_per_word stop being buffered (they become [UNK] anyway), so memory
// stays bounded and time linear for texts of any size. reference_encoder.h computes the
// same result step by step; the tests and the fuzz target require both to agree.
//
//   bertq::text::FastEncoder enc(normalizer_config, &wordpiece);
//   std::vector<int32_t> ids; std::vector<std::pair<uint32_t, uint32_t>> offsets;
//   enc.encode("Hello, world!", 0, false, ids, offsets);  // hello , world !
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "text/normalizer.h"
#include "text/text_model.h"
#include "text/wordpiece.h"

namespace bertq::text {

// Offsets: text/text_model.h

class FastEncoder {
 public:
  FastEncoder() = default;
  // `wordpiece` must outlive the encoder.
  FastEncoder(const NormalizerConfig& cfg, const WordPiece* wordpiece);

  // Appends the tokens of `text` to ids and their byte ranges (shifted by `base`) to offsets.
  // Invalid UTF-8 throws Error(INVALID_ARGUMENT) naming the byte offset (base + i), or with
  // replace_invalid becomes U+FFFD.
  void encode(std::string_view text, uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
              Offsets& offsets) const;

 private:
  enum Kind : uint8_t { DROP, SPACE, PUNCT, CHAR };
  struct AsciiEntry {
    Kind kind;
    char out;
  };

  NormalizerConfig cfg_;
  const WordPiece* wp_ = nullptr;
  AsciiEntry ascii_[128] = {};
};

}  // namespace bertq::text
