// The Unigram kind of text model (XLM-RoBERTa, SentencePiece Unigram as tokenizer.json writes
// it), exact to Hugging Face tokenizers 0.19 in ids and offsets:
//
//   normalizer     Precompiled (precompiled_normalizer.h), then Strip (left / right: Unicode
//                  White_Space characters dropped), then Replace " {2,}" -> content (a run of
//                  two or more spaces becomes `content`, aligned to the run's last space);
//                  each optional, in this order (transformers writes Precompiled, Strip right,
//                  Replace -> "▁"; xlm-roberta-base's file has Precompiled, Replace -> " ").
//   pre-tokenizer  optional WhitespaceSplit (words between White_Space characters), then
//                  Metaspace: ' ' -> replacement (U+2581 "▁"), the replacement prepended
//                  (aligned to the first character) when the text does not start with it and
//                  prepend_scheme is "always", or "first" and its first character comes
//                  from byte 0 of the input (after Strip, say, it may not); with split, a new word
//                  starts at every replacement character.
//   added tokens   "normalized": true ones matched in the normalized text (UnigramConfig);
//   model          Unigram (unigram.h) per word; offsets = (align[b].b, align[e - 1].e).
//   decoder        Metaspace: replacement -> ' ', except in the first token where it is
//                  dropped (prepend_scheme not "never"); or none: tokens joined with ' '.
//
//   UnigramConfig cfg;  cfg.precompiled = PrecompiledNormalizer::from_base64(...);
//   UnigramTextModel m(vocab, Unigram(pieces, 3, false), std::move(cfg));
//   m.encode("Hello", 0, false, ids, offsets);   // ▁Hell o -> offsets (0,4) (4,5)
#pragma once

#include <optional>
#include <string>

#include "text/added_tokens.h"
#include "text/aligned_text.h"
#include "text/precompiled_normalizer.h"
#include "text/text_model.h"
#include "text/unigram.h"
#include "text/vocab.h"

namespace bertq::text {

enum class PrependScheme { ALWAYS, FIRST, NEVER };

struct UnigramConfig {
  std::optional<PrecompiledNormalizer> precompiled;
  bool strip_left = false, strip_right = false;
  std::optional<std::string> space_runs;  // Replace " {2,}" -> *space_runs
  bool whitespace_split = false;
  uint32_t replacement = 0x2581;
  PrependScheme prepend = PrependScheme::ALWAYS;
  bool split = true;
  bool metaspace_decoder = true;  // false: no decoder
  uint32_t decoder_replacement = 0x2581;
  PrependScheme decoder_prepend = PrependScheme::ALWAYS;
  // Added tokens with "normalized": true, matched in the normalized text (after Replace, before
  // the pre-tokenizer, as HF's AddedVocabulary does); each run between them is pre-tokenized on
  // its own (Metaspace prepends per run).
  AddedTokens normalized_tokens;
};

class UnigramTextModel final : public TextModel {
 public:
  // `vocab` (the pieces by id) must outlive the model.
  UnigramTextModel(const Vocab& vocab, Unigram model, UnigramConfig cfg);

  void encode(std::string_view text, uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
              Offsets& offsets) const override;
  // The same through the step-by-step references (normalize_reference, segment_reference).
  void encode_reference(std::string_view text, uint32_t base, bool replace_invalid,
                        std::vector<int32_t>& ids, Offsets& offsets) const;
  std::string decode(const std::vector<int32_t>& ids) const override;
  int32_t unk_id() const override { return model_.unk_id(); }

 private:
  void run(std::string_view text, uint32_t base, bool replace_invalid, bool reference,
           std::vector<int32_t>& ids, Offsets& offsets) const;

  const Vocab& vocab_;
  Unigram model_;
  UnigramConfig cfg_;
};

// Rust's char::is_whitespace (Unicode White_Space), which HF's Strip and WhitespaceSplit use.
bool is_white_space(uint32_t cp);

}  // namespace bertq::text
