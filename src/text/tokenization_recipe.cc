// The tokenization recipe (see tokenization_recipe.h).
#include "text/tokenization_recipe.h"

#include <algorithm>

#include "core/error.h"

namespace bertq::text {

void check_max_length(int max_length, int max_position_embeddings, std::string_view name) {
  check(max_length >= TokenizationRecipe::kMinMaxLength && max_length <= max_position_embeddings,
        ErrorCode::INVALID_ARGUMENT,
        cat(name, " ", max_length, ": must be in [", TokenizationRecipe::kMinMaxLength, ", ",
            max_position_embeddings, "] (the model's max_position_embeddings)"));
}

int TokenizationRecipe::head_tokens_for(int budget) const {
  return head_tokens > 0 ? head_tokens : std::max(1, budget / 4);
}

void TokenizationRecipe::validate(int max_position_embeddings,
                                  std::string_view max_length_name) const {
  check_max_length(max_length, max_position_embeddings, max_length_name);
  check(head_tokens >= 0, ErrorCode::INVALID_ARGUMENT,
        cat("head_tokens ", head_tokens, ": must be >= 0"));
}

EncodeOptions TokenizationRecipe::encode_options(const Tokenizer& tokenizer) const {
  EncodeOptions eo;
  eo.max_length = max_length;
  eo.truncation = truncation;
  eo.head_tokens = head_tokens_for(max_length - int(tokenizer.num_special_tokens(false)));
  return eo;
}

}  // namespace bertq::text
