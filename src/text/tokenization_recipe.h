// How a model tokenizes one text: the tokenization recipe (max_length, truncation,
// head_tokens), the one type every command, the trainer, the server and the quantizer run with.
//   max_length   tokens per sequence including [CLS] and [SEP]; valid against a model when in
//                [kMinMaxLength, max_position_embeddings] (checked by check_max_length, the
//                one range and the one message)
//   truncation   head, tail or head+tail (text/truncation.h)
//   head_tokens  head+tail: content tokens kept from the start; 0 = a quarter of the content
//                budget (max_length minus the special tokens), at least 1 (head_tokens_for)
// The defaults (512, head, 128) are written here only. Where a recipe comes from (an option,
// the model's config.json "bertq" block, a command's default) is resolved in
// engine/tokenization_rule.h; the block itself is read by io/bert_config.h.
//
//   bertq::text::TokenizationRecipe r;  r.max_length = 128;  r.truncation = Truncation::HEAD_TAIL;
//   r.validate(config.max_position_embeddings);   // INVALID_ARGUMENT naming the field and limit
//   bertq::text::EncodeOptions eo = r.encode_options(tokenizer);  // head_tokens resolved
#pragma once

#include <string_view>

#include "text/tokenizer.h"
#include "text/truncation.h"

namespace bertq::text {

struct TokenizationRecipe {
  // The smallest max_length a model can run: [CLS] and [SEP].
  static constexpr int kMinMaxLength = 2;
  // The smallest max_length a model is trained with (and its config.json block records): at
  // least one content token.
  static constexpr int kMinTrainedMaxLength = 3;

  int max_length = 512;
  Truncation truncation = Truncation::HEAD;
  int head_tokens = 128;

  // HEAD_TAIL's head for a budget of `budget` content tokens: head_tokens, or when 0 a quarter
  // of the budget (at least 1).
  int head_tokens_for(int budget) const;
  // check_max_length(max_length, max_position_embeddings, max_length_name) and head_tokens >= 0.
  void validate(int max_position_embeddings, std::string_view max_length_name = "max_length") const;
  // The tokenizer's options for one text under this recipe (head_tokens resolved against
  // the tokenizer's special tokens).
  EncodeOptions encode_options(const Tokenizer& tokenizer) const;
};

// INVALID_ARGUMENT "NAME V: must be in [2, MAX] (the model's max_position_embeddings)" unless
// kMinMaxLength <= max_length <= max_position_embeddings.
void check_max_length(int max_length, int max_position_embeddings,
                      std::string_view name = "max_length");

}  // namespace bertq::text
