// The reference tokenization pipeline, one HF step at a time: normalize the whole string
// (normalizer.h), split it into words (pre_tokenizer.h), run WordPiece on each word
// (wordpiece.h) and map every token back to original byte offsets. Slow and simple; the
// fast fused path (fast_encoder.h) must give identical ids and offsets.
//
//   std::vector<int32_t> ids; bertq::text::Offsets offsets;
//   bertq::text::reference_encode(cfg, wordpiece, "Hello!", 0, false, ids, offsets);
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/fast_encoder.h"
#include "text/normalizer.h"
#include "text/wordpiece.h"

namespace bertq::text {

void reference_encode(const NormalizerConfig& cfg, const WordPiece& wp, std::string_view text,
                      uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
                      Offsets& offsets);

}  // namespace bertq::text
