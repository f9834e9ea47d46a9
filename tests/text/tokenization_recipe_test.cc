// The tokenization recipe: one valid max_length range against a model with one message naming
// the field and the limit, head_tokens 0 resolved to a quarter of the content budget, and the
// encode options it gives the tokenizer (which then cuts head+tail as the recipe says).
#include "text/tokenization_recipe.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace bertq::text {
namespace {

TEST(TokenizationRecipe, OneRangeAgainstTheModel) {
  for (int ok : {2, 3, 64, 128}) EXPECT_NO_THROW(check_max_length(ok, 128));
  for (int bad : {-1, 0, 1, 129, 512}) {
    try {
      check_max_length(bad, 128, "--max-length");
      FAIL() << bad << " accepted for a 128-position model";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
      EXPECT_EQ(
          std::string(e.what()),
          cat("--max-length ", bad, ": must be in [2, 128] (the model's max_position_embeddings)"));
    }
  }
  TokenizationRecipe r;
  EXPECT_THROW(r.validate(128), Error);  // the default 512 is over 128 positions
  EXPECT_NO_THROW(r.validate(512));
  r.head_tokens = -1;
  EXPECT_THROW(r.validate(512), Error);
}

TEST(TokenizationRecipe, DefaultsAndHeadTokens) {
  const TokenizationRecipe d;
  EXPECT_EQ(d.max_length, 512);
  EXPECT_EQ(d.truncation, Truncation::HEAD);
  EXPECT_EQ(d.head_tokens, 128);
  EXPECT_EQ(d.head_tokens_for(510), 128);
  TokenizationRecipe quarter;
  quarter.head_tokens = 0;
  EXPECT_EQ(quarter.head_tokens_for(510), 127);
  EXPECT_EQ(quarter.head_tokens_for(2), 1);  // at least one
}

TEST(TokenizationRecipe, EncodeOptionsCutAsTheRecipeSays) {
  const Tokenizer tok = Tokenizer::from_tokens(
      {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b", "c", "d", "e", "f", "g", "h"});
  TokenizationRecipe r{8, Truncation::HEAD_TAIL, 0};  // 6 content tokens, head 6 / 4 = 1
  const EncodeOptions eo = r.encode_options(tok);
  EXPECT_EQ(eo.max_length, 8);
  EXPECT_EQ(eo.truncation, Truncation::HEAD_TAIL);
  EXPECT_EQ(eo.head_tokens, 1);
  EXPECT_EQ(tok.encode("a b c d e f g h", eo).ids,
            (std::vector<int32_t>{2, 4, 7, 8, 9, 10, 11, 3}));
  r.head_tokens = 3;
  EXPECT_EQ(tok.encode("a b c d e f g h", r.encode_options(tok)).ids,
            (std::vector<int32_t>{2, 4, 5, 6, 9, 10, 11, 3}));
}

}  // namespace
}  // namespace bertq::text
