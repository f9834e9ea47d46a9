// The report: the final table's rows and numbers, and the files (Markdown, JSON, SVG) written.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "pipeline/report.h"

namespace bertq::pipeline {
namespace {

// "bench" in the shape of benchmark::BenchReport::to_json(): a latency workload per batch size
// ("real bN", median ms per batch of N texts) and the bucketed throughput pass.
nlohmann::json summary() {
  auto results = [](double fp32_ms, double fp32_s, double int8_ms, double int8_s) {
    return nlohmann::json{{{"model", "FP32"}, {"median_ms", fp32_ms}, {"sequences_per_s", fp32_s}},
                          {{"model", "INT8"}, {"median_ms", int8_ms}, {"sequences_per_s", int8_s}}};
  };
  nlohmann::json w = nlohmann::json::array();
  w.push_back({{"name", "real b1"},
               {"kind", "real"},
               {"batch_size", 1},
               {"sequences_per_run", 1},
               {"results", results(1.25, 800.0, 0.5, 2000.0)}});
  w.push_back({{"name", "real b16"},
               {"kind", "real"},
               {"batch_size", 16},
               {"sequences_per_run", 16},
               {"results", results(8.0, 2000.0, 3.2, 5000.0)}});
  w.push_back({{"name", "tokenize"},
               {"kind", "tokenize"},
               {"batch_size", 0},
               {"sequences_per_run", 64},
               {"results", results(2.0, 32000.0, 2.0, 32000.0)}});
  w.push_back({{"name", "bucketed b16"},
               {"kind", "throughput"},
               {"padding", "bucketed"},
               {"batch_size", 16},
               {"sequences_per_run", 64},
               {"results", results(16.0, 4000.0, 6.4, 10000.0)}});
  w.push_back({{"name", "pad-max b16"},
               {"kind", "throughput"},
               {"padding", "pad-max"},
               {"batch_size", 16},
               {"sequences_per_run", 64},
               {"results", results(32.0, 2000.0, 12.8, 5000.0)}});
  return {{"model", "m"},
          {"data", "d"},
          {"models",
           {{{"name", "FP32"},
             {"accuracy", 0.91234},
             {"macro_f1", 0.9},
             {"bytes", 2.5e6},
             {"tokenization",
              {{"max_length", 128},
               {"truncation", "head+tail"},
               {"head_tokens", 32},
               {"from", {{"max_length", "config.json"}}}}},
             {"eval_markdown", "examples 10, accuracy 0.9123\n"}},
            {{"name", "INT8"},
             {"accuracy", 0.905},
             {"macro_f1", 0.89},
             {"bytes", 0.7e6},
             {"agreement", 0.987}}}},
          {"bench", {{"workloads", w}}},
          {"bench_markdown", "| workload | model |\n"}};
}

TEST(Report, FinalTable) {
  const std::string t = final_table(summary());
  EXPECT_NE(t.find("ms/text (batch 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("texts/s (batch 16)"), std::string::npos) << t;
  EXPECT_NE(t.find("| FP32 | 0.9123 | 0.9000 | 2.50 | 1.250 | 4000.0 | - |"), std::string::npos)
      << t;
  EXPECT_NE(t.find("| INT8 | 0.9050 | 0.8900 | 0.70 | 0.500 | 10000.0 | 0.9870 |"),
            std::string::npos)
      << t;
  EXPECT_THROW(final_table(nlohmann::json::object()), bertq::Error);
}

TEST(Report, WritesFiles) {
  testing::TempDir dir;
  const auto files = write_report(dir.path(), summary());
  EXPECT_EQ(files.size(), 4u);
  const std::string md = read_file(dir.file("report.md"));
  EXPECT_NE(md.find(final_table(summary())), std::string::npos);
  EXPECT_NE(md.find("## Benchmark\n\n| workload | model |"), std::string::npos) << md;
  EXPECT_NE(md.find("## FP32 on the test split\n\nexamples 10"), std::string::npos) << md;
  EXPECT_NE(md.find("max length 128, truncation head+tail, 32 head tokens (from config.json)"),
            std::string::npos)
      << md;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.file("report.json"))), summary());
  const std::string svg = read_file(dir.file("plots/throughput.svg"));
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  size_t rects = 0;
  for (size_t p = 0; (p = svg.find("<rect", p)) != std::string::npos; ++p) ++rects;
  EXPECT_EQ(rects, 8u);  // 2 models x (real b1, real b16, bucketed b16, pad-max b16)
  EXPECT_NE(svg.find("INT8 bucketed b16"), std::string::npos);
  EXPECT_EQ(svg.find("tokenize"), std::string::npos);
}

}  // namespace
}  // namespace bertq::pipeline
