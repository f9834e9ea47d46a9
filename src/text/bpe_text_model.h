// The byte-level BPE text model (RoBERTa, GPT-2): Hugging Face tokenizers' ByteLevel
// pre-tokenizer, BPE model and ByteLevel decoder, with no normalizer. For a run of text
// between added tokens:
//   1. add_prefix_space: a text not starting with ' ' gets one in front (it belongs to the
//      text's first character for offsets); an empty text stays empty.
//   2. use_regex: split into pieces by the GPT-2 pattern (byte_level.h), else one piece.
//   3. each piece's bytes -> BPE tokens (bpe.h), through a per-thread cache (bpe_cache.h).
//   4. offsets: a token's byte range widened to whole characters of the original text (a token
//      holding part of a multi-byte character covers all of it, as HF's alignments do).
// Invalid UTF-8 is an Error naming the byte offset, or (replace_invalid) each maximal invalid
// subpart becomes U+FFFD (bytes EF BF BD) whose tokens' offsets cover the invalid bytes.
// RobertaProcessing's trim_offsets is not here: it is a post-processor step (offset_trim.h).
//
// encode_reference() does the same with split_gpt2_reference and Bpe::tokenize_reference and
// no cache: the step-by-step path the tests compare encode() with.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/bpe.h"
#include "text/text_model.h"
#include "text/vocab.h"

namespace bertq::text {

struct ByteLevelConfig {
  bool add_prefix_space = false;
  bool use_regex = true;
};

class BpeTextModel : public TextModel {
 public:
  // vocab must outlive the model (the Tokenizer::Impl owns both).
  BpeTextModel(const Vocab& vocab, Bpe bpe, ByteLevelConfig cfg);

  void encode(std::string_view text, uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
              Offsets& offsets) const override;
  void encode_reference(std::string_view text, uint32_t base, bool replace_invalid,
                        std::vector<int32_t>& ids, Offsets& offsets) const;
  // HF's ByteLevel decoder: each token's characters back to bytes (a token with a character
  // outside the alphabet, e.g. an added token, is taken as it is), then invalid UTF-8 in the
  // result replaced by U+FFFD.
  std::string decode(const std::vector<int32_t>& ids) const override;
  int32_t unk_id() const override { return bpe_.unk_id(); }

 private:
  void encode_impl(std::string_view text, uint32_t base, bool replace_invalid, bool reference,
                   std::vector<int32_t>& ids, Offsets& offsets) const;

  const Vocab& vocab_;
  Bpe bpe_;
  ByteLevelConfig cfg_;
  uint64_t uid_;  // for the per-thread caches
};

}  // namespace bertq::text
