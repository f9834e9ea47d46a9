// run_bench on two tiny models: the workloads for the options, every model measured on every
// workload with the protocol's run counts, sequence / token counts of each padding mode, model
// sizes and memory fields filled, and the JSON report with every figure. Never timings.
#include "benchmark/bench.h"

#include <gtest/gtest.h>

#include "benchmark/system_info.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "eval/eval_test_util.h"

namespace bertq::benchmark {
namespace {

using bertq::testing::TempDir;

BenchOptions small_options(const data::Dataset& ds) {
  BenchOptions o;
  o.seq_lens = {8, 16};
  o.batch_sizes = {1, 3};
  for (const auto& ex : ds.examples) o.texts.push_back(ex.text);
  o.recipe.max_length = 12;
  o.latency = {1, 2, 2, 0.0};
  o.throughput = {0, 2, 2, 0.0};
  o.engine.threads = 0;  // the default, as the other tests (see the report: engine workspace)
  o.progress = false;
  return o;
}

TEST(Bench, MeasuresEveryModelOnEveryWorkload) {
  TempDir tmp;
  const std::string a = eval::testing::make_tiny_model(tmp.path(), "a", 1);
  const std::string b = eval::testing::make_tiny_model(tmp.path(), "b", 2);
  const data::Dataset ds = eval::testing::tiny_dataset(7);
  const BenchOptions o = small_options(ds);
  const BenchReport r = run_bench({{"A", a}, {"", b}}, o);

  const std::vector<std::string> names = {"s8 b1",        "s8 b3",     "s16 b1",   "s16 b3",
                                          "real b1",      "real b3",   "tokenize", "bucketed b3",
                                          "pad-batch b3", "pad-max b3"};
  ASSERT_EQ(r.workloads.size(), names.size());
  for (size_t w = 0; w < names.size(); ++w) {
    EXPECT_EQ(r.workloads[w].workload.name, names[w]);
    ASSERT_EQ(r.workloads[w].stats.size(), 2u);
    for (size_t m = 0; m < 2; ++m) {
      EXPECT_EQ(r.workloads[w].stats[m].runs, 2u) << names[w];
      EXPECT_EQ(r.workloads[w].seconds[m].size(), 2u) << names[w];
      EXPECT_GT(r.workloads[w].stats[m].median_ms, 0) << names[w];
    }
  }
  EXPECT_EQ(r.models[0].name, "A");
  EXPECT_EQ(r.models[1].name, "b");  // the folder's name
  const FolderSize size = model_folder_size(a);
  EXPECT_EQ(r.models[0].weights_bytes, size.weights);
  EXPECT_GT(r.models[0].folder_bytes, r.models[0].weights_bytes);
  EXPECT_GT(r.models[0].peak_rss_bytes, r.models[0].load_rss_bytes + r.models[0].run_rss_bytes);
  EXPECT_GT(r.models[0].load_s, 0);

  // Counts: synthetic s16 b3 = 3 x 16 tokens; the three paddings of the same 7 reviews.
  EXPECT_EQ(r.find("s16 b3")->sequences_per_run, 3);
  EXPECT_EQ(r.find("s16 b3")->tokens_per_run, 48);
  const WorkloadResult* bucketed = r.find("bucketed b3");
  const WorkloadResult* pad_batch = r.find("pad-batch b3");
  const WorkloadResult* pad_max = r.find("pad-max b3");
  ASSERT_TRUE(bucketed && pad_batch && pad_max);
  EXPECT_EQ(bucketed->sequences_per_run, 7);
  EXPECT_EQ(bucketed->padded_tokens_per_run, bucketed->tokens_per_run);
  EXPECT_EQ(pad_max->padded_tokens_per_run, 7 * 12);
  EXPECT_GE(pad_batch->padded_tokens_per_run, bucketed->tokens_per_run);
  EXPECT_LE(pad_batch->padded_tokens_per_run, pad_max->padded_tokens_per_run);
  EXPECT_EQ(pad_max->tokens_per_run, bucketed->tokens_per_run);
  EXPECT_EQ(r.find("tokenize")->sequences_per_run, 7);
  EXPECT_EQ(r.find("nope"), nullptr);
}

TEST(Bench, JsonHasEveryFigure) {
  TempDir tmp;
  const std::string a = eval::testing::make_tiny_model(tmp.path(), "a", 1);
  const data::Dataset ds = eval::testing::tiny_dataset(4);
  BenchOptions o = small_options(ds);
  o.seq_lens = {8};
  o.batch_sizes = {2};
  const BenchReport r = run_bench({{"A", a}}, o);
  const nlohmann::json j = r.to_json();
  for (const char* k :
       {"machine", "reviews", "process_peak_rss_mb", "protocol", "models", "workloads"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["reviews"], 4);
  for (const char* k : {"cpu", "isa", "threads", "cpus", "load_average_1m", "compute"})
    EXPECT_TRUE(j["machine"].contains(k)) << k;
  EXPECT_EQ(j["machine"]["threads"], default_num_threads());
  for (const char* k : {"name", "dir", "weights_mb", "folder_mb", "load_s", "load_rss_mb",
                        "run_rss_mb", "peak_rss_mb", "layers", "hidden", "vocab"})
    EXPECT_TRUE(j["models"][0].contains(k)) << k;
  ASSERT_EQ(j["workloads"].size(), r.workloads.size());
  for (const auto& w : j["workloads"]) {
    for (const char* k : {"name", "kind", "batch_size", "sequences_per_run", "tokens_per_run",
                          "padded_tokens_per_run", "results"})
      EXPECT_TRUE(w.contains(k)) << k;
    for (const char* k : {"model", "runs", "median_ms", "p90_ms", "p99_ms", "sequences_per_s",
                          "tokens_per_s", "samples_ms"})
      EXPECT_TRUE(w["results"][0].contains(k)) << w["name"] << " " << k;
    EXPECT_EQ(w["results"][0]["samples_ms"].size(), 2u);
  }
  const std::string md = r.to_markdown();
  EXPECT_NE(md.find("| pad-max b2 | A |"), std::string::npos) << md;
}

TEST(Bench, BadOptionsAreErrors) {
  TempDir tmp;
  const std::string a = eval::testing::make_tiny_model(tmp.path(), "a", 1);
  BenchOptions o;
  o.progress = false;
  o.seq_lens = {8};
  EXPECT_THROW(run_bench({}, o), Error);
  o.seq_lens = {65};  // over max_position_embeddings 64
  EXPECT_THROW(run_bench({{"A", a}}, o), Error);
  o.seq_lens = {};
  EXPECT_THROW(run_bench({{"A", a}}, o), Error);  // nothing to measure
  o.seq_lens = {8};
  o.batch_sizes = {0};
  EXPECT_THROW(run_bench({{"A", a}}, o), Error);
  EXPECT_THROW(run_bench({{"A", tmp.file("missing")}}, BenchOptions{}), Error);
  EXPECT_THROW(parse_padding("pad-some"), Error);
}

}  // namespace
}  // namespace bertq::benchmark
