// Option > config.json "bertq" block > default, per setting; the sources recorded; and that
// an evaluation with the resolved settings sees the recipe's tokens (and an explicit option's).
#include <gtest/gtest.h>

#include "core/error.h"
#include "engine/classifier.h"
#include "engine/tokenization_rule.h"
#include "eval/evaluator.h"
#include "eval_test_util.h"

namespace bertq::engine {
namespace {

using eval::EvalOptions;
using eval::EvalResult;
using eval::evaluate;

io::BertConfig with_recipe(std::optional<io::TokenizationRecipe> r) {
  io::BertConfig c;
  c.recipe = std::move(r);
  return c;
}

TEST(TokenizationSettings, Precedence) {
  // No block: the defaults, or the caller's.
  TokenizationSettings s = resolve_tokenization(with_recipe(std::nullopt), {});
  EXPECT_EQ(s.recipe.max_length, 512);
  EXPECT_EQ(s.recipe.truncation, text::Truncation::HEAD);
  EXPECT_EQ(s.recipe.head_tokens, 128);
  EXPECT_EQ(s.max_length_from, SettingSource::DEFAULT);
  text::TokenizationRecipe d;
  d.max_length = 64;
  EXPECT_EQ(resolve_tokenization(with_recipe(std::nullopt), {}, d).recipe.max_length, 64);

  // The block wins over the defaults, key by key.
  const io::BertConfig c = with_recipe(io::TokenizationRecipe{128, "head+tail", 32, {}});
  s = resolve_tokenization(c, {});
  EXPECT_EQ(s.recipe.max_length, 128);
  EXPECT_EQ(s.recipe.truncation, text::Truncation::HEAD_TAIL);
  EXPECT_EQ(s.recipe.head_tokens, 32);
  EXPECT_EQ(s.truncation_from, SettingSource::CONFIG);
  EXPECT_EQ(s.describe(),
            "max length 128 (config.json), truncation head+tail (config.json), "
            "32 head tokens (config.json)");
  s = resolve_tokenization(
      with_recipe(io::TokenizationRecipe{std::nullopt, "tail", std::nullopt, {}}), {});
  EXPECT_EQ(s.recipe.max_length, 512);
  EXPECT_EQ(s.max_length_from, SettingSource::DEFAULT);
  EXPECT_EQ(s.recipe.truncation, text::Truncation::TAIL);

  // An explicit option wins over the block.
  TokenizationRequest given;
  given.truncation = "head";
  given.head_tokens = 7;
  s = resolve_tokenization(c, given);
  EXPECT_EQ(s.recipe.max_length, 128);
  EXPECT_EQ(s.recipe.truncation, text::Truncation::HEAD);
  EXPECT_EQ(s.truncation_from, SettingSource::OPTION);
  EXPECT_EQ(s.recipe.head_tokens, 7);
  const nlohmann::json j = s.to_json();
  EXPECT_EQ(j["from"]["max_length"], "config.json");
  EXPECT_EQ(j["from"]["truncation"], "option");
  EXPECT_EQ(j["truncation"], "head");

  given.truncation = "middle";
  EXPECT_THROW(resolve_tokenization(c, given), Error);
  given.truncation.reset();
  given.head_tokens = -1;
  EXPECT_THROW(resolve_tokenization(c, given), Error);
}

// The default max length never exceeds the model's positions (a 128-position model is served
// at 128, said as such); an option beyond them is an error naming the limit.
TEST(TokenizationSettings, ModelPositionsBoundTheMaxLength) {
  io::BertConfig c = with_recipe(std::nullopt);
  c.max_position_embeddings = 128;
  TokenizationSettings s = resolve_tokenization(c, {});
  EXPECT_EQ(s.recipe.max_length, 128);
  EXPECT_EQ(s.max_length_from, SettingSource::MODEL_LIMIT);
  EXPECT_EQ(s.describe(), "max length 128 (max_position_embeddings), truncation head (default)");
  TokenizationRequest given;
  given.max_length = 64;
  s = resolve_tokenization(c, given);
  EXPECT_EQ(s.recipe.max_length, 64);
  EXPECT_EQ(s.max_length_from, SettingSource::OPTION);
  for (int bad : {129, 512, 1, 0}) {
    given.max_length = bad;
    try {
      resolve_tokenization(c, given);
      FAIL() << "--max-length " << bad << " accepted for a 128-position model";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(cat("--max-length ", bad, ": must be in [2, 128]")),
                std::string::npos)
          << e.what();
    }
  }
  c.max_position_embeddings = 1024;  // a longer model keeps the command's default
  EXPECT_EQ(resolve_tokenization(c, {}).recipe.max_length, 512);
}

TEST(TokenizationSettings, MalformedBlockNamesConfigAndField) {
  ::bertq::testing::TempDir tmp;
  const std::string dir = eval::testing::make_tiny_model(tmp.path(), "m", 1);
  nlohmann::json j = nlohmann::json::parse(read_file(dir + "/config.json"));
  j["bertq"] = {{"truncation", "middle"}};
  write_file_atomic(dir + "/config.json", j.dump());
  try {
    resolve_tokenization(dir, {});
    FAIL() << "a malformed block was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE);
    EXPECT_NE(std::string(e.what()).find(dir + "/config.json: field bertq.truncation"),
              std::string::npos)
        << e.what();
  }
}

// The recipe reaches the tokenizer: the evaluation's token counts are those of the recipe.
TEST(TokenizationSettings, EvaluationFollowsTheRecipe) {
  ::bertq::testing::TempDir tmp;
  const std::string dir = eval::testing::make_tiny_model(tmp.path(), "m", 2);
  io::BertConfig cfg = io::BertConfig::load(dir + "/config.json");
  cfg.recipe = io::TokenizationRecipe{10, "head+tail", 3, {}};
  cfg.save(dir + "/config.json");
  const engine::Classifier clf(dir);
  const data::Dataset ds = eval::testing::tiny_dataset();
  auto run = [&](const TokenizationRequest& given) {
    EvalOptions o;
    o.recipe = clf.tokenization(given).recipe;
    o.progress = false;
    return evaluate(clf, ds, o);
  };
  const EvalResult by_recipe = run({});
  EXPECT_EQ(by_recipe.options.recipe.max_length, 10);
  EXPECT_EQ(by_recipe.options.recipe.head_tokens, 3);
  int longest = 0;
  for (const auto& p : by_recipe.predictions) longest = std::max(longest, p.tokens);
  EXPECT_EQ(longest, 10);

  TokenizationRequest wider;
  wider.max_length = 20;
  const EvalResult by_option = run(wider);
  longest = 0;
  for (const auto& p : by_option.predictions) longest = std::max(longest, p.tokens);
  EXPECT_EQ(longest, 20);
  EXPECT_GT(by_option.tokens, by_recipe.tokens);

  // head+tail 3 vs head: the same lengths, other tokens on long texts -> other logits.
  TokenizationRequest head;
  head.truncation = "head";
  const EvalResult by_head = run(head);
  EXPECT_EQ(by_head.tokens, by_recipe.tokens);
  bool differ = false;
  for (size_t i = 0; i < ds.examples.size(); ++i)
    differ |= by_head.predictions[i].logits != by_recipe.predictions[i].logits;
  EXPECT_TRUE(differ) << "head and head+tail 3 gave the same logits on every text";
}

}  // namespace
}  // namespace bertq::engine
