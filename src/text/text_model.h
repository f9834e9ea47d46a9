// The part of a tokenizer that differs by kind (Hugging Face tokenizers' normalizer +
// pre-tokenizer + model, and its decoder): it turns a run of plain text between added tokens
// into token ids with byte offsets, and ids back into text. Tokenizer (tokenizer.h) does the
// rest the same way for every kind: added tokens, truncation, the post-processing template,
// overflow windows, batching and padding.
//   WordPiece  BERT, DistilBERT, ELECTRA        text/wordpiece_text_model.h
//   BPE        RoBERTa, GPT-2 (byte-level)      text/bpe_tokenizer.h
//   Unigram    XLM-RoBERTa (SentencePiece)      text/unigram_tokenizer.h
// Implementations are immutable after construction and safe to share across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::text {

using Offsets = std::vector<std::pair<uint32_t, uint32_t>>;

class TextModel {
 public:
  virtual ~TextModel() = default;
  // Appends the tokens of `text` to ids and their byte ranges in `text` shifted by `base` to
  // offsets. Invalid UTF-8 throws Error(INVALID_ARGUMENT) naming the byte offset (base + i), or
  // with replace_invalid becomes U+FFFD.
  virtual void encode(std::string_view text, uint32_t base, bool replace_invalid,
                      std::vector<int32_t>& ids, Offsets& offsets) const = 0;
  // The text of `ids` (the caller has removed special tokens where asked); every id is in the
  // vocabulary (checked by the caller).
  virtual std::string decode(const std::vector<int32_t>& ids) const = 0;
  // The unknown token's id, or -1 when the model has none (byte-level BPE).
  virtual int32_t unk_id() const = 0;
};

}  // namespace bertq::text
