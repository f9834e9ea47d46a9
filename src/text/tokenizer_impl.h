// Internal state of a Tokenizer (shared, immutable after finish()). Not a public header:
// used by tokenizer.cc (encoding, decoding) and tokenizer_io.cc (loading, saving).
#pragma once

#include <optional>
#include <string>

#include "text/added_tokens.h"
#include "text/fast_encoder.h"
#include "text/normalizer.h"
#include "text/post_processor.h"
#include "text/tokenizer.h"
#include "text/vocab.h"
#include "text/wordpiece.h"

namespace bertq::text {

struct Tokenizer::Impl {
  Vocab vocab;
  NormalizerConfig norm;
  bool bert_normalizer = true;                // false for a tokenizer.json with "normalizer": null
  std::optional<bool> strip_accents_setting;  // as configured (null = follow lowercase)
  WordPieceConfig wp_cfg;
  AddedTokens added;
  PostProcessor post;
  bool decoder_cleanup = true;
  std::string cls_token = "[CLS]", sep_token = "[SEP]", pad_token = "[PAD]", mask_token = "[MASK]";
  std::string source;        // where it was loaded from, for error messages
  int model_max_length = 0;  // tokenizer_config.json's model_max_length, 0 if unknown

  // Built by finish():
  WordPiece wp;
  FastEncoder enc;
  int32_t pad = -1, cls = -1, sep = -1, unk = -1, mask = -1;

  Impl() = default;
  Impl(const Impl&) = delete;  // enc points at wp
  Impl& operator=(const Impl&) = delete;

  // Builds WordPiece, the fast encoder and the special ids once the fields above are set.
  void finish();
};

// Tokenizer construction from an Impl (friend of Tokenizer).
struct TokenizerLoader {
  static Tokenizer make(std::shared_ptr<Tokenizer::Impl> impl) {
    impl->finish();
    return Tokenizer(std::move(impl));
  }
};

}  // namespace bertq::text
