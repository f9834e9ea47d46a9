// evaluate_model and bench_models on a small random model written by io::init_model_folder.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"
#include "pipeline/bench.h"
#include "pipeline/evaluate.h"

namespace bertq::pipeline {
namespace {

std::string make_model(const testing::TempDir& dir) {
  std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
  for (const char* w : {"good", "bad", "movie", "the", "was", "very", ".", "!", "a", "plot"}) vocab += std::string(w) + "\n";
  write_file_atomic(dir.file("vocab.txt"), vocab);
  io::InitFolderOptions o;
  o.init.config.num_hidden_layers = 1;
  o.init.config.hidden_size = 16;
  o.init.config.num_attention_heads = 2;
  o.init.config.intermediate_size = 32;
  o.init.config.max_position_embeddings = 32;
  o.init.config.id2label = {"NEGATIVE", "POSITIVE"};
  o.init.seed = 3;
  o.vocab_file = dir.file("vocab.txt");
  io::init_model_folder(dir.file("model"), o);
  return dir.file("model");
}

TEST(Evaluate, MetricsMatchPredictions) {
  testing::TempDir dir;
  const std::string model = make_model(dir);
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"the movie was good", "POSITIVE"}, {"a bad plot", "NEGATIVE"}, {"very very good !", "POSITIVE"},
      {"the plot was bad .", "NEGATIVE"}, {"good movie", "pos"}, {"bad", "neg"}, {"a movie", "POSITIVE"}};
  std::string body;
  for (const auto& [t, l] : rows) body += nlohmann::json{{"text", t}, {"label", l}}.dump() + "\n";
  write_file_atomic(dir.file("test.jsonl"), body);
  EvalRunOptions eo;
  eo.max_length = 32;
  eo.batch_size = 3;
  eo.threads = 1;
  const EvalRun r = evaluate_model(model, dir.file("test.jsonl"), eo);
  ASSERT_EQ(r.predictions.size(), rows.size());
  EXPECT_EQ(r.metrics.n, static_cast<int64_t>(rows.size()));
  int correct = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const int gold = rows[i].second == "POSITIVE" || rows[i].second == "pos" ? 1 : 0;
    correct += r.predictions[i] == gold;
  }
  EXPECT_DOUBLE_EQ(r.metrics.accuracy, double(correct) / rows.size());

  save_eval(dir.file("e.json"), r);
  const EvalRun back = load_eval(dir.file("e.json"));
  EXPECT_EQ(back.predictions, r.predictions);
  EXPECT_DOUBLE_EQ(back.metrics.accuracy, r.metrics.accuracy);
  EXPECT_EQ(back.metrics.n, r.metrics.n);

  write_file_atomic(dir.file("bad.jsonl"), R"({"text": "x", "label": "MAYBE"})" "\n");
  EXPECT_THROW(evaluate_model(model, dir.file("bad.jsonl"), eo), Error);
}

TEST(Bench, RowsPerModelAndBatch) {
  testing::TempDir dir;
  const std::string model = make_model(dir);
  std::vector<std::string> texts;
  for (int i = 0; i < 10; ++i) texts.push_back(i % 2 ? "the movie was very good" : "bad plot .");
  PipelineBenchOptions bo;
  bo.batch_sizes = {1, 4};
  bo.repeats = 3;
  bo.threads = 1;
  const auto rows = bench_models({{"A", model}, {"B", model}}, texts, bo, 32);
  ASSERT_EQ(rows.size(), 4u);
  const char* names[] = {"A", "B", "A", "B"};
  const int batches[] = {1, 1, 4, 4};
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].model, names[i]);
    EXPECT_EQ(rows[i].batch_size, batches[i]);
    EXPECT_EQ(rows[i].texts, texts.size());
    EXPECT_EQ(rows[i].threads, 1);
    EXPECT_GT(rows[i].min_s, 0);
    EXPECT_LE(rows[i].min_s, rows[i].median_s);
    EXPECT_LE(rows[i].median_s, rows[i].max_s);
    EXPECT_NEAR(rows[i].texts_per_s() * rows[i].median_s, 10.0, 1e-9);
  }
  EXPECT_THROW(bench_models({{"A", model}}, {}, bo, 32), Error);
  bo.batch_sizes = {};
  EXPECT_THROW(bench_models({{"A", model}}, texts, bo, 32), Error);
}

}  // namespace
}  // namespace bertq::pipeline
