// The eval and bench stages on a small random model (io::init_model_folder): they run through
// src/eval and src/benchmark (eval::evaluate, benchmark::run_bench), record every figure, and
// tokenize as the model's config.json "bertq" block says (else with the pipeline's training
// options).
#include <gtest/gtest.h>

#include <optional>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/line_reader.h"
#include "data/dataset.h"
#include "eval/eval_test_util.h"
#include "io/bert_config.h"
#include "pipeline/report.h"
#include "pipeline/stages.h"

namespace bertq::pipeline {
namespace {

using nlohmann::json;

// A 1-layer random model in RUN/NAME (eval's test helper), labels NEGATIVE / POSITIVE.
void make_model(const std::string& run, const std::string& name) {
  make_dirs(run);
  eval::testing::make_tiny_model(run, name, 3, /*max_position=*/32);
}

void set_recipe(const std::string& model_dir, std::optional<io::TokenizationRecipe> recipe) {
  io::BertConfig c = io::BertConfig::load(model_dir + "/config.json");
  c.recipe = std::move(recipe);
  c.save(model_dir + "/config.json");
}

// Labelled test split: long texts (more than 8 tokens) and short ones.
const std::vector<std::pair<std::string, std::string>>& rows() {
  static const std::vector<std::pair<std::string, std::string>> r = {
      {"the movie was great", "POSITIVE"},
      {"a bad plot . the plot was not great . bad bad movie !", "NEGATIVE"},
      {"fun fun movie ! the movie was great , a great plot . great fun", "POSITIVE"},
      {"the plot was bad .", "NEGATIVE"},
      {"great movie", "POSITIVE"},
      {"bad", "NEGATIVE"},
      {"a movie the movie a movie the movie a movie the movie was great", "POSITIVE"}};
  return r;
}

struct RunFixture {
  testing::TempDir dir;
  std::string run = dir.file("run");
  PipelineOptions options;
  RunFixture() {
    make_model(run, "model-fp32");
    make_dirs(run + "/data");
    std::string body;
    for (const auto& [t, l] : rows()) body += json{{"text", t}, {"label", l}}.dump() + "\n";
    write_file_atomic(run + "/data/test.jsonl", body);
    options.out = run;
    options.threads = 1;
    options.progress = false;
    options.eval_batch_size = 3;
    options.train.recipe.max_length = 32;
    options.train.recipe.truncation = text::Truncation::HEAD;
  }
  RunContext ctx() const { return RunContext{options, StageStore(run)}; }
  json eval_doc(const std::string& name) const {
    return json::parse(read_file(run + "/eval/" + name + ".json"));
  }
};

TEST(EvalStage, UsesTheModelsRecipe) {
  RunFixture r;
  set_recipe(r.run + "/model-fp32", io::TokenizationRecipe{8, "head+tail", 2, json::object()});
  const StageWork w = run_eval_stage(r.ctx(), "model-fp32", "fp32");
  ASSERT_EQ(w.outputs.size(), 2u);
  const json doc = r.eval_doc("fp32");
  EXPECT_EQ(doc["options"]["max_length"], 8);
  EXPECT_EQ(doc["options"]["truncation"], "head+tail");
  EXPECT_EQ(doc["options"]["head_tokens"], 2);
  EXPECT_EQ(doc["tokenization"]["from"]["max_length"], "config.json");
  EXPECT_EQ(doc["tokenization"]["from"]["head_tokens"], "config.json");
  EXPECT_EQ(w.result["tokenization"], doc["tokenization"]);
  // Every sequence is cut to 8 tokens; the long ones use all 8.
  LineReader lines(r.run + "/eval/fp32.predictions.jsonl");
  std::string line;
  size_t n = 0;
  while (lines.next(line)) {
    const json p = json::parse(line);
    EXPECT_LE(p["tokens"].get<int>(), 8) << line;
    if (rows()[n].first.size() > 40) {
      EXPECT_EQ(p["tokens"], 8) << line;
    }
    ++n;
  }
  EXPECT_EQ(n, rows().size());
  // Accuracy = share of recorded predictions equal to the labels.
  const std::vector<int> ids = load_predicted_ids(r.run + "/eval/fp32.json");
  ASSERT_EQ(ids.size(), rows().size());
  int correct = 0;
  for (size_t i = 0; i < ids.size(); ++i)
    correct += ids[i] == (rows()[i].second == "POSITIVE" ? 1 : 0);
  EXPECT_DOUBLE_EQ(w.result["accuracy"].get<double>(), double(correct) / rows().size());
  EXPECT_EQ(doc["metrics"]["examples"], rows().size());

  // The second evaluation of the same model agrees with the first everywhere.
  const StageWork w2 = run_eval_stage(r.ctx(), "model-fp32", "int8");
  EXPECT_DOUBLE_EQ(w2.result["agreement"].get<double>(), 1.0);
  EXPECT_EQ(w2.result["disagreements"], 0);
}

TEST(EvalStage, WithoutRecipeUsesThePipelineOptions) {
  RunFixture r;
  set_recipe(r.run + "/model-fp32", std::nullopt);
  r.options.train.recipe.max_length = 6;
  run_eval_stage(r.ctx(), "model-fp32", "fp32");
  const json doc = r.eval_doc("fp32");
  EXPECT_EQ(doc["options"]["max_length"], 6);
  EXPECT_EQ(doc["options"]["truncation"], "head");
  EXPECT_EQ(doc["tokenization"]["from"]["max_length"], "default");
  EXPECT_LE(doc["tokens"].get<int64_t>(), int64_t(6 * rows().size()));
}

TEST(EvalStage, BadLabelAndMissingReference) {
  RunFixture r;
  write_file_atomic(r.run + "/data/test.jsonl", R"({"text": "good", "label": "MAYBE"})"
                                                "\n");
  EXPECT_THROW(run_eval_stage(r.ctx(), "model-fp32", "fp32"), Error);
  RunFixture r2;
  try {  // eval_int8 without eval/fp32.json
    run_eval_stage(r2.ctx(), "model-fp32", "int8");
    FAIL() << "expected an error naming eval/fp32.json";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("eval/fp32.json"), std::string::npos) << e.what();
  }
}

TEST(BenchStage, BothModelsOnTheSameTexts) {
  RunFixture r;
  make_model(r.run, "model-int8");  // the same weights: a stand-in for the quantized folder
  set_recipe(r.run + "/model-fp32", io::TokenizationRecipe{8, "head+tail", 2, json::object()});
  r.options.bench.texts = 6;
  r.options.bench.batch_sizes = {1, 3};
  r.options.bench.repeats = 2;
  r.options.bench.threads = 1;
  const StageWork w = run_bench_stage(r.ctx());
  for (const char* f : {"bench.json", "bench.md", "plots/latency.svg"})
    EXPECT_TRUE(file_exists(r.run + "/" + f)) << f;
  const json bench = json::parse(read_file(r.run + "/bench.json"));
  EXPECT_EQ(bench["protocol"]["max_length"], 8);
  EXPECT_EQ(bench["protocol"]["head_tokens"], 2);
  EXPECT_EQ(bench["reviews"], 6);
  std::vector<std::string> names;
  for (const auto& wl : bench["workloads"]) {
    names.push_back(wl["name"]);
    ASSERT_EQ(wl["results"].size(), 2u) << wl.dump();
    EXPECT_EQ(wl["results"][0]["model"], "FP32");
    EXPECT_EQ(wl["results"][1]["model"], "INT8");
    for (const auto& res : wl["results"]) EXPECT_GE(res["runs"].get<int>(), 2) << wl["name"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"real b1", "real b3", "tokenize", "bucketed b3",
                                             "pad-batch b3", "pad-max b3"}));
  const std::string svg = read_file(r.run + "/plots/latency.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_TRUE(eval::testing::well_formed_xml(svg));

  // The report's table reads the latency at batch 1 and the bucketed throughput at batch 3.
  json summary = {
      {"models", {{{"name", "FP32"}, {"accuracy", 0.5}}, {{"name", "INT8"}, {"accuracy", 0.5}}}},
      {"bench", w.result}};
  const std::string t = final_table(summary);
  EXPECT_NE(t.find("ms/text (batch 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("texts/s (batch 3)"), std::string::npos) << t;
  const size_t row = t.find("| FP32 |");
  ASSERT_NE(row, std::string::npos) << t;
  const std::string fp32_row = t.substr(row, t.find('\n', row) - row);
  size_t dashes = 0;
  for (size_t p = 0; (p = fp32_row.find("| - ", p)) != std::string::npos; ++p) ++dashes;
  EXPECT_EQ(dashes, 1u) << "FP32 has every figure but agreement: " << fp32_row;

  r.options.bench.repeats = 0;
  EXPECT_THROW(run_bench_stage(r.ctx()), Error);
  r.options.bench.repeats = 1;
  r.options.bench.batch_sizes = {};
  EXPECT_THROW(run_bench_stage(r.ctx()), Error);
}

}  // namespace
}  // namespace bertq::pipeline
