// The BERT tokenizer: Hugging Face BertTokenizerFast, reproduced exactly (ids and offsets)
// for bert-base-uncased and cased variants. Pipeline per text:
//   special tokens in the raw text ("[CLS]", ... : HF added tokens, matched before
//   normalization) -> BertNormalizer -> BertPreTokenizer -> WordPiece -> truncation ->
//   template ([CLS] A [SEP], [CLS] A [SEP] B [SEP] with type ids 0/1) -> overflow windows.
// Immutable after loading; safe to share across threads; cheap to copy (shared state).
//
//   auto tok = bertq::text::Tokenizer::from_folder("../shared/data/bert-base-uncased");
//   bertq::text::EncodeOptions o;  o.max_length = 512;  o.truncation = Truncation::HEAD_TAIL;
//   bertq::text::Encoding e = tok.encode("A great movie!", o);
//   // e.ids == {101, 1037, 2307, 3185, 999, 102}, e.attention_mask all 1, e.type_ids all 0
//   auto batch = tok.encode_batch(texts, o);   // parallel over threads
//   bertq::text::pad_batch(batch, tok.pad_id());
//   std::string s = tok.decode(e.ids);         // "a great movie!"
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/truncation.h"

namespace bertq {
class ThreadPool;
}

namespace bertq::text {

// The tokenizer model kinds (Hugging Face tokenizers' model.type): WordPiece (BERT, DistilBERT,
// ELECTRA), byte-level BPE (RoBERTa, GPT-2), Unigram (XLM-RoBERTa, SentencePiece).
enum class TokenizerKind { WORDPIECE, BPE, UNIGRAM };
// "WordPiece", "BPE", "Unigram"
std::string_view tokenizer_kind_name(TokenizerKind k);

struct EncodeOptions {
  int max_length = 0;  // total length including special tokens; 0 = no truncation
  Truncation truncation = Truncation::HEAD;
  int head_tokens = 128;  // HEAD_TAIL: content tokens kept from the start, the rest from the end
  bool add_special_tokens = true;
  bool return_offsets = false;
  int stride = 0;                     // overlap of consecutive overflow windows, in tokens
  bool return_overflow = false;       // single texts: the rest of the text as more windows
  bool replace_invalid_utf8 = false;  // else invalid UTF-8 is an Error naming the byte offset
};

struct Encoding {
  std::vector<int32_t> ids, type_ids, attention_mask;
  // Byte offsets [begin, end) into the original UTF-8 text (of its own sequence for pairs);
  // [0, 0) for special tokens and padding. Filled when return_offsets is set.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  std::vector<Encoding> overflow;
  size_t size() const { return ids.size(); }
};

class Tokenizer {
 public:
  // tokenizer.json if the folder has one, else vocab.json + merges.txt (byte-level BPE as
  // RobertaTokenizerFast converts them, bpe_tokenizer.h), else vocab.txt. A tokenizer_config.json
  // beside them overrides do_lower_case / strip_accents / tokenize_chinese_chars where it sets them
  // (as transformers' BertTokenizerFast does) and gives model_max_length.
  static Tokenizer from_folder(const std::string& dir);
  // A folder (from_folder), a .json file (from_tokenizer_json) or a vocab.txt (from_vocab);
  // NOT_FOUND naming the path when it is none of them.
  static Tokenizer from_path(const std::string& path);
  static Tokenizer from_tokenizer_json(const std::string& path);
  // A BERT tokenizer over vocab.txt; strip_accents unset means "same as lowercase".
  static Tokenizer from_vocab(const std::string& vocab_txt, bool lowercase = true,
                              std::optional<bool> strip_accents = std::nullopt,
                              bool tokenize_chinese_chars = true);
  // The same from tokens in memory (token i has id i); needs [UNK], [CLS], [SEP].
  static Tokenizer from_tokens(std::vector<std::string> tokens, bool lowercase = true,
                               std::optional<bool> strip_accents = std::nullopt,
                               bool tokenize_chinese_chars = true);

  Encoding encode(std::string_view text, const EncodeOptions& opts = {}) const;
  Encoding encode_pair(std::string_view a, std::string_view b,
                       const EncodeOptions& opts = {}) const;
  // threads = 0: default_num_threads(). Output order follows the input.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts,
                                     const EncodeOptions& opts = {}, int threads = 0) const;
  // The same on a caller's pool (e.g. one kept by a server), to avoid starting threads per call.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts,
                                     const EncodeOptions& opts, ThreadPool& pool) const;
  // The kind's decoder, as HF's. WordPiece: "##" pieces glue to the previous token, others get
  // a space; cleanup removes the space before . ? ! , and in contractions. Byte-level BPE:
  // the tokens' bytes, invalid UTF-8 replaced by U+FFFD (no clean-up).
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = true) const;
  std::vector<std::string> tokens(const std::vector<int32_t>& ids) const;
  int32_t token_id(std::string_view token) const;  // -1 if absent

  int32_t pad_id() const;
  int32_t cls_id() const;
  int32_t sep_id() const;
  int32_t unk_id() const;
  int32_t mask_id() const;
  size_t vocab_size() const;
  TokenizerKind kind() const;
  // Number of special tokens the template adds to one text (2 for BERT) or a pair (3).
  size_t num_special_tokens(bool pair) const;
  // tokenizer_config.json's model_max_length (512 for BERT), or 0 when unknown.
  int model_max_length() const;

  // Writes vocab.txt, tokenizer_config.json and tokenizer.json into dir (created if needed),
  // each atomically; from_folder(dir) loads an identical tokenizer.
  void save(const std::string& dir) const;

  struct Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend struct TokenizerLoader;
};

// Pads every encoding on the right to the longest in the batch, or to `length` when it is
// larger than 0 (an encoding longer than `length` is an Error), with pad_id, type id 0,
// attention mask 0 and offsets [0, 0).
void pad_batch(std::vector<Encoding>& batch, int32_t pad_id, int length = 0);

}  // namespace bertq::text
