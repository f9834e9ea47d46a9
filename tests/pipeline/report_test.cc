// The report: the final table's rows and numbers, and the files (Markdown, JSON, SVG) written.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "core/file_util.h"
#include "core/error.h"
#include "pipeline/report.h"

namespace bertq::pipeline {
namespace {

nlohmann::json summary() {
  return {{"model", "m"},
          {"data", "d"},
          {"models",
           {{{"name", "FP32"}, {"accuracy", 0.91234}, {"macro_f1", 0.9}, {"bytes", 2.5e6}},
            {{"name", "INT8"}, {"accuracy", 0.905}, {"macro_f1", 0.89}, {"bytes", 0.7e6}, {"agreement", 0.987}}}},
          {"bench",
           {{{"model", "FP32"}, {"batch_size", 1}, {"ms_per_text", 1.25}, {"texts_per_s", 800.0}},
            {{"model", "INT8"}, {"batch_size", 1}, {"ms_per_text", 0.5}, {"texts_per_s", 2000.0}},
            {{"model", "FP32"}, {"batch_size", 16}, {"ms_per_text", 0.25}, {"texts_per_s", 4000.0}},
            {{"model", "INT8"}, {"batch_size", 16}, {"ms_per_text", 0.1}, {"texts_per_s", 10000.0}}}}};
}

TEST(Report, FinalTable) {
  const std::string t = final_table(summary());
  EXPECT_NE(t.find("ms/text (batch 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("texts/s (batch 16)"), std::string::npos) << t;
  EXPECT_NE(t.find("| FP32 | 0.9123 | 0.9000 | 2.50 | 1.250 | 4000.0 | - |"), std::string::npos) << t;
  EXPECT_NE(t.find("| INT8 | 0.9050 | 0.8900 | 0.70 | 0.500 | 10000.0 | 0.9870 |"), std::string::npos) << t;
  EXPECT_THROW(final_table(nlohmann::json::object()), bertq::Error);
}

TEST(Report, WritesFiles) {
  testing::TempDir dir;
  const auto files = write_report(dir.path(), summary());
  EXPECT_EQ(files.size(), 4u);
  const std::string md = read_file(dir.file("report.md"));
  EXPECT_NE(md.find(final_table(summary())), std::string::npos);
  EXPECT_NE(md.find("## Benchmark"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.file("report.json"))), summary());
  const std::string svg = read_file(dir.file("plots/throughput.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t rects = 0;
  for (size_t p = 0; (p = svg.find("<rect", p)) != std::string::npos; ++p) ++rects;
  EXPECT_EQ(rects, 4u);
  EXPECT_NE(svg.find("INT8 b16"), std::string::npos);
}

TEST(Report, SvgEscapesLabels) {
  const std::string s = svg_bar_chart("a<b", {"x&y"}, {1.0}, "");
  EXPECT_NE(s.find("a&lt;b"), std::string::npos);
  EXPECT_NE(s.find("x&amp;y"), std::string::npos);
}

}  // namespace
}  // namespace bertq::pipeline
