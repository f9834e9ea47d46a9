// `bertq quantize` tokenizes its calibration and fidelity sets with the model's training recipe
// (config.json "bertq" block): on a tiny model trained "head+tail, 2 head tokens, 8 tokens",
// with reviews whose head and tail differ, every sequence the job runs is the head+tail
// encoding (not the head-truncated one); --max-length overrides only the max length and, as in
// every command (engine/tokenization_rule.h), one beyond max_position_embeddings is refused;
// without a block the default is 256 tokens, head, cut to the positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "eval/eval_test_util.h"
#include "quant/quantize_job.h"
#include "text/tokenizer.h"

namespace bertq::quant {
namespace {

using Ids = std::vector<std::vector<int32_t>>;

struct Fixture {
  bertq::testing::TempDir tmp;
  std::string model, data;
  std::vector<std::string> texts;

  explicit Fixture(bool with_recipe) {
    model = eval::testing::make_tiny_model(tmp.path(), "m", 3);  // 64 positions
    if (with_recipe) {
      io::BertConfig cfg = io::BertConfig::load(model + "/config.json");
      cfg.recipe = io::TokenizationRecipe{8, "head+tail", 2, nlohmann::json::object()};
      cfg.save(model + "/config.json");
    }
    std::string jsonl;
    for (int i = 0; i < 6; ++i) {
      std::string t = "great fun the movie was";
      for (int k = 0; k < i + 3; ++k) t += " and";
      t += " dull plot bad !";
      texts.push_back(t);
      jsonl +=
          nlohmann::json{{"text", t}, {"label", i % 2 ? "POSITIVE" : "NEGATIVE"}}.dump() + "\n";
    }
    data = tmp.file("reviews.jsonl");
    write_file_atomic(data, jsonl);
  }

  // The job (static scheme: calibration, plus the fidelity report) with what it tokenized.
  std::map<std::string, Ids> run(std::optional<int> max_length, nlohmann::json* report) {
    QuantizeJob job;
    job.model = model;
    job.out = tmp.file("int8");
    job.force = true;
    job.options.scheme = Scheme::STATIC;
    job.calibration = data;
    job.calibration_samples = 0;  // all
    job.eval = data;
    job.eval_samples = 0;
    job.tokenization.max_length = max_length;
    std::map<std::string, Ids> seen;
    job.inspect_set = [&](const std::string& use, const EvalSet& s) { seen[use] = s.ids; };
    *report = run_quantize_job(job, [](const std::string&) {});
    return seen;
  }

  // The encodings of every review under these options, sorted (the sets are stratified samples
  // in their own order).
  Ids encoded(const text::EncodeOptions& o) const {
    const text::Tokenizer tok = text::Tokenizer::from_folder(model);
    Ids ids;
    for (const auto& t : texts) ids.push_back(tok.encode(t, o).ids);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

Ids sorted(Ids v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(QuantizeRecipe, CalibrationAndFidelityUseTheModelsRecipe) {
  Fixture f(/*with_recipe=*/true);
  const Ids head_tail = f.encoded({8, text::Truncation::HEAD_TAIL, 2});
  const Ids head = f.encoded({8, text::Truncation::HEAD, 2});
  ASSERT_NE(head_tail, head) << "the fixture's heads and tails must differ";
  nlohmann::json report;
  const auto seen = f.run(std::nullopt, &report);
  ASSERT_EQ(seen.count("calibration"), 1u);
  ASSERT_EQ(seen.count("eval"), 1u);
  EXPECT_EQ(sorted(seen.at("calibration")), head_tail);
  EXPECT_EQ(sorted(seen.at("eval")), head_tail);
  EXPECT_EQ(report["tokenization"]["truncation"], "head+tail");
  EXPECT_EQ(report["tokenization"]["head_tokens"], 2);
  EXPECT_EQ(report["tokenization"]["from"]["truncation"], "config.json");
  EXPECT_EQ(report["fidelity"]["n"], 6);
}

TEST(QuantizeRecipe, MaxLengthOverridesTheRecipeWithinThePositions) {
  Fixture f(/*with_recipe=*/true);
  nlohmann::json report;
  auto seen = f.run(12, &report);
  EXPECT_EQ(sorted(seen.at("eval")), f.encoded({12, text::Truncation::HEAD_TAIL, 2}));
  EXPECT_EQ(sorted(seen.at("calibration")), f.encoded({12, text::Truncation::HEAD_TAIL, 2}));
  EXPECT_EQ(report["tokenization"]["max_length"], 12);
  EXPECT_EQ(report["tokenization"]["from"]["max_length"], "option");

  try {  // over the model's 64 positions: refused, as predict / eval / serve refuse it
    f.run(1000, &report);
    FAIL() << "--max-length 1000 accepted for a 64-position model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--max-length 1000: must be in [2, 64]"),
              std::string::npos)
        << e.what();
  }
}

TEST(QuantizeRecipe, WithoutABlockTheDefaultIsHeadCutToThePositions) {
  Fixture f(/*with_recipe=*/false);
  nlohmann::json report;
  const auto seen = f.run(std::nullopt, &report);
  EXPECT_EQ(sorted(seen.at("eval")), f.encoded({64, text::Truncation::HEAD, 128}));
  EXPECT_EQ(report["tokenization"]["max_length"], 64);
  EXPECT_EQ(report["tokenization"]["truncation"], "head");
}

}  // namespace
}  // namespace bertq::quant
