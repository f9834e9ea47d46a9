// Reference tokenization pipeline (see reference_encoder.h).
#include "text/reference_encoder.h"

#include "core/error.h"
#include "text/pre_tokenizer.h"

namespace bertq::text {

void reference_encode(const NormalizerConfig& cfg, const WordPiece& wp, std::string_view text,
                      uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
                      Offsets& offsets) {
  NormalizedText norm;
  try {
    norm = normalize(cfg, text, replace_invalid);
  } catch (const Error& e) {
    if (base == 0) throw;
    throw Error(e.code(), cat(e.what(), " (segment at byte offset ", base, ")"));
  }
  std::vector<Piece> pieces;
  for (const auto& [b, e] : pre_tokenize(norm.text)) {
    size_t chars = 0;
    for (uint32_t k = b; k < e; ++k) chars += (static_cast<uint8_t>(norm.text[k]) & 0xC0) != 0x80;
    pieces.clear();
    wp.tokenize(norm.text.data() + b, e - b, chars, pieces);
    for (const Piece& p : pieces) {
      ids.push_back(p.id);
      offsets.emplace_back(base + norm.orig_begin[b + p.begin],
                           base + norm.orig_end[b + p.end - 1]);
    }
  }
}

}  // namespace bertq::text
