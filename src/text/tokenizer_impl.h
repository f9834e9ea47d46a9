// Internal state of a Tokenizer (shared, immutable after finish()). Not a public header:
// used by tokenizer.cc (encoding, decoding) and tokenizer_io.cc (loading, saving).
#pragma once

#include <optional>
#include <string>

#include <memory>

#include "text/added_tokens.h"
#include "text/normalizer.h"
#include "text/post_processor.h"
#include "text/text_model.h"
#include "text/tokenizer.h"
#include "text/vocab.h"
#include "text/wordpiece.h"

namespace bertq::text {

struct Tokenizer::Impl {
  TokenizerKind kind = TokenizerKind::WORDPIECE;
  Vocab vocab;
  NormalizerConfig norm;        // WordPiece only (BertNormalizer)
  bool bert_normalizer = true;  // false for a tokenizer.json with "normalizer": null (and BPE)
  std::optional<bool> strip_accents_setting;  // as configured (null = follow lowercase)
  WordPieceConfig wp_cfg;                     // WordPiece only
  AddedTokens added;
  PostProcessor post;
  bool decoder_cleanup = true;
  std::string cls_token = "[CLS]", sep_token = "[SEP]", pad_token = "[PAD]", mask_token = "[MASK]";
  std::string source;        // where it was loaded from, for error messages
  int model_max_length = 0;  // tokenizer_config.json's model_max_length, 0 if unknown

  // BPE and Unigram: the text model (set by their loader) and the tokenizer.json it came from,
  // which save() writes back as it was read.
  std::unique_ptr<const TextModel> model;
  std::string tokenizer_json;
  std::string unk_token = "[UNK]";  // BPE / Unigram: the model's unk token ("" if none)
  // Unigram: the model matches the "normalized": true added tokens in its normalized text, so
  // the raw pass leaves them alone (AddedTokens::split_raw).
  bool normalized_tokens_in_model = false;
  bool add_prefix_space = false;  // BPE: the ByteLevel pre-tokenizer's add_prefix_space

  // Built by finish(): the WordPiece text model (from vocab, norm, wp_cfg, decoder_cleanup)
  // and the special ids.
  int32_t pad = -1, cls = -1, sep = -1, unk = -1, mask = -1;
  std::vector<uint32_t> token_spaces;  // edge_spaces of every vocabulary token when
                                       // post.trim_offsets (offset_trim.h), else empty

  Impl() = default;
  Impl(const Impl&) = delete;  // model points at vocab
  Impl& operator=(const Impl&) = delete;

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
