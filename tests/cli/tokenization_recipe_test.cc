// `bertq predict` / `bertq eval` follow the model's config.json "bertq" block (its training
// recipe) when no tokenization option is given; an explicit option wins; without the block
// the old defaults (512, head, 128) hold; a malformed block is an error naming config.json
// and the field. Runs the built binary on a tiny random model.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/test_util.h"
#include "core/file_util.h"
#include "engine/classifier.h"
#include "eval/eval_test_util.h"
#include "run_bertq.h"

namespace bertq {
namespace {

using Output = testing::CliOutput;
// Runs `bertq ARGS` (stderr joined when `with_stderr`).
Output run(const std::string& args, bool with_stderr = false) {
  return testing::run_bertq(args, with_stderr);
}

// The logits `bertq predict` prints for one text.
std::vector<float> logits(const std::string& args) {
  const Output o = run("predict " + args);
  EXPECT_EQ(o.status, 0) << args << "\n" << o.text;
  if (o.status != 0) return {};
  return nlohmann::json::parse(o.text)["logits"].get<std::vector<float>>();
}

class Recipe : public ::testing::Test {
 protected:
  void SetUp() override {
    eval::testing::make_tiny_model(tmp_.path(), "model", 5, /*max_position=*/512);
    for (int i = 0; i < 12; ++i) text_ += std::string(i ? " " : "") + "the movie was great and fun";
    text_ += " but the plot was dull and bad";  // the tail differs from the head
    write_file_atomic(tmp_.file("test.jsonl"),
                      nlohmann::json{{"text", text_}, {"label", "NEGATIVE"}}.dump() + "\n");
  }
  void set_block(const nlohmann::json& block) {
    nlohmann::json j = nlohmann::json::parse(read_file(dir_ + "/config.json"));
    j["bertq"] = block;
    write_file_atomic(dir_ + "/config.json", j.dump(2));
  }
  std::string model() const { return "--model " + dir_ + " --threads 1 '" + text_ + "'"; }

  testing::TempDir tmp_;
  std::string dir_ = tmp_.file("model");
  std::string text_;
};

TEST_F(Recipe, PredictFollowsTheBlockAndOptionsWin) {
  const auto defaults = logits(model());
  ASSERT_FALSE(defaults.empty());
  EXPECT_EQ(defaults, logits(model() + " --max-length 512 --truncation head --head-tokens 128"))
      << "without the block, predict must keep its defaults";

  set_block({{"max_length", 12}, {"truncation", "head+tail"}, {"head_tokens", 3}});
  const auto by_block = logits(model());
  EXPECT_EQ(by_block, logits(model() + " --max-length 12 --truncation head+tail --head-tokens 3"));
  EXPECT_NE(by_block, defaults);
  // One explicit option replaces one setting; the others still come from the block.
  const auto head = logits(model() + " --truncation head");
  EXPECT_EQ(head, logits(model() + " --max-length 12 --truncation head"));
  EXPECT_NE(head, by_block);
  EXPECT_EQ(logits(model() + " --head-tokens 5"),
            logits(model() + " --max-length 12 --truncation head+tail --head-tokens 5"));
}

// The C++ library applies the same rule: engine::Classifier::predict with no options on a folder
// trained head+tail runs head+tail (not 512 head), giving `bertq predict`'s logits.
TEST_F(Recipe, CppClassifierFollowsTheBlockAsPredictDoes) {
  set_block({{"max_length", 12}, {"truncation", "head+tail"}, {"head_tokens", 3}});
  const auto cli = logits(model());
  ASSERT_FALSE(cli.empty());
  engine::EngineOptions eo;
  eo.threads = 1;
  const engine::Classifier clf(dir_, eo);
  const std::vector<float> cpp = clf.predict({text_})[0].logits;
  ASSERT_EQ(cpp.size(), cli.size());
  for (size_t i = 0; i < cpp.size(); ++i) EXPECT_EQ(cpp[i], cli[i]) << "logit " << i;
  EXPECT_EQ(clf.tokenization().describe(),
            "max length 12 (config.json), truncation head+tail (config.json), "
            "3 head tokens (config.json)");
  // What the caller sets wins, key by key, as the CLI's options do.
  engine::PredictOptions po;
  po.tokenization.truncation = "head";
  EXPECT_EQ(clf.predict({text_}, po)[0].logits, logits(model() + " --truncation head"));
  EXPECT_NE(clf.predict({text_}, po)[0].logits, cpp);
}

TEST_F(Recipe, EvalRecordsTheSettingsAndTheirSource) {
  set_block({{"max_length", 12}, {"truncation", "head+tail"}, {"head_tokens", 3}});
  const std::string base =
      "eval --json --threads 1 --model " + dir_ + " --data " + tmp_.file("test.jsonl");
  Output o = run(base);
  ASSERT_EQ(o.status, 0) << o.text;
  nlohmann::json j = nlohmann::json::parse(o.text);
  EXPECT_EQ(j["options"]["max_length"], 12);
  EXPECT_EQ(j["options"]["truncation"], "head+tail");
  EXPECT_EQ(j["options"]["head_tokens"], 3);
  EXPECT_EQ(j["tokens"], 12);
  EXPECT_EQ(j["tokenization"]["from"]["max_length"], "config.json");

  o = run(base + " --max-length 20");
  ASSERT_EQ(o.status, 0) << o.text;
  j = nlohmann::json::parse(o.text);
  EXPECT_EQ(j["tokens"], 20);
  EXPECT_EQ(j["tokenization"]["from"]["max_length"], "option");
  EXPECT_EQ(j["tokenization"]["from"]["head_tokens"], "config.json");
}

TEST_F(Recipe, MalformedBlockIsAnErrorNamingTheField) {
  set_block({{"max_length", 12}, {"head_tokens", "many"}});
  for (const std::string& cmd :
       {"predict " + model(), "eval --model " + dir_ + " --data " + tmp_.file("test.jsonl")}) {
    const Output o = run(cmd, /*with_stderr=*/true);
    EXPECT_NE(o.status, 0) << cmd;
    EXPECT_NE(o.text.find(dir_ + "/config.json: field bertq.head_tokens"), std::string::npos)
        << o.text;
  }
}

TEST(RecipeHelp, SaysExplicitOptionsWin) {
  for (const char* sub : {"predict", "eval", "serve", "compare"}) {
    const Output o = run(std::string(sub) + " --help");
    EXPECT_NE(o.text.find("--head-tokens"), std::string::npos) << sub << ":\n" << o.text;
    EXPECT_NE(o.text.find("an explicit value wins over the model's config.json"), std::string::npos)
        << sub << ":\n"
        << o.text;
  }
}

}  // namespace
}  // namespace bertq
