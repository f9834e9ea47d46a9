// run_compare on two tiny models (standing in for FP32 and INT8) and a small JSON Lines file:
// both evaluated on the same examples, agreement consistent with their predictions, the
// Markdown table and JSON carry every figure, and write_compare_report writes the five files
// (SVGs well formed).
#include "eval/compare.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "eval_test_util.h"

namespace bertq::eval {
namespace {

using bertq::testing::TempDir;

TEST(Compare, ReportsBothModelsAndWritesPlots) {
  TempDir tmp;
  const std::string a = testing::make_tiny_model(tmp.path(), "fp", 1);
  const std::string b = testing::make_tiny_model(tmp.path(), "q", 9);
  std::string jsonl;
  for (const auto& ex : testing::tiny_dataset(10).examples) {
    jsonl += nlohmann::json{{"text", ex.text}, {"label", ex.label_name}}.dump() + "\n";
  }
  write_file_atomic(tmp.file("d.jsonl"), jsonl);
  CompareOptions o;
  o.fp32_dir = a;
  o.int8_dir = b;
  o.data = tmp.file("d.jsonl");
  o.limit = 8;
  o.eval.recipe.max_length = 12;
  o.eval.progress = false;
  o.bench.seq_lens = {8, 16};
  o.bench.batch_sizes = {1, 2};
  o.bench.latency = {0, 2, 2, 0.0};
  o.bench.throughput = {0, 1, 1, 0.0};
  o.bench.engine.threads = 0;
  o.bench.progress = false;
  o.bench_reviews = 4;
  o.command = "bertq compare (test)";
  const CompareReport r = run_compare(o);

  ASSERT_EQ(r.evals.size(), 2u);
  EXPECT_EQ(r.examples, 8u);
  EXPECT_EQ(r.evals[0].metrics.n, 8);
  EXPECT_EQ(r.evals[1].metrics.n, 8);
  int64_t differ = 0;
  for (size_t i = 0; i < 8; ++i) {
    differ += r.evals[0].predictions[i].predicted != r.evals[1].predictions[i].predicted;
  }
  EXPECT_EQ(r.disagreements, differ);
  EXPECT_DOUBLE_EQ(r.agreement, 1.0 - double(differ) / 8);
  EXPECT_EQ(r.bench.reviews, 4u);
  EXPECT_EQ(r.bench.models[0].name, "FP32");

  const nlohmann::json j = r.to_json();
  for (const char* k :
       {"data", "command", "examples", "agreement", "disagreements", "models", "bench"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["examples"], 8);
  EXPECT_EQ(j["models"][1]["name"], "INT8");
  EXPECT_TRUE(j["models"][1]["metrics"].contains("accuracy"));
  const std::string md = r.to_markdown();
  EXPECT_NE(md.find("| FP32 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| INT8 |"), std::string::npos) << md;
  EXPECT_NE(md.find("**INT8 vs FP32**"), std::string::npos) << md;
  EXPECT_NE(md.find("bertq compare (test)"), std::string::npos);

  const auto files = write_compare_report(r, tmp.file("out"));
  ASSERT_EQ(files.size(), 5u);
  for (const char* svg : {"latency.svg", "size_accuracy.svg", "throughput.svg"}) {
    const std::string text = read_file(tmp.file(std::string("out/") + svg));
    EXPECT_TRUE(testing::well_formed_xml(text)) << svg;
  }
  // Throughput: one line per model and batch size; latency: 4 synthetic + 2 real categories.
  EXPECT_EQ(testing::count_of(read_file(tmp.file("out/throughput.svg")), "<polyline"), 4u);
  EXPECT_EQ(testing::count_of(read_file(tmp.file("out/latency.svg")), "class=\"box\""), 6u * 2u);
  const auto back = nlohmann::json::parse(read_file(tmp.file("out/compare.json")));
  EXPECT_EQ(back["examples"], 8);
}

TEST(Compare, MissingInputsAreErrors) {
  CompareOptions o;
  EXPECT_THROW(run_compare(o), Error);
  o.fp32_dir = o.int8_dir = "/nonexistent";
  EXPECT_THROW(run_compare(o), Error);
}

}  // namespace
}  // namespace bertq::eval
