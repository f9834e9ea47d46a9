// The SVG writer: well-formed XML with the expected elements (one polyline per line series,
// a circle per point, a box per (category, series)), escaped text, nice axis ends, and
// errors for inconsistent input.
#include "core/svg_chart.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "eval_test_util.h"

namespace bertq {
namespace {

using eval::testing::count_of;
using eval::testing::well_formed_xml;

TEST(SvgChart, LineChartHasOnePolylinePerSeries) {
  const std::string svg = line_chart({"Throughput <by> length & batch", "tokens", "seq/s"},
                                     {{"fp32 b1", {128, 256, 512}, {40, 18, 7}, {}},
                                      {"int8 b1", {128, 256, 512}, {90, 41, 16}, {}}});
  EXPECT_TRUE(well_formed_xml(svg));
  EXPECT_EQ(count_of(svg, "<polyline"), 2u);
  EXPECT_EQ(count_of(svg, "<circle"), 6u);
  EXPECT_NE(svg.find("Throughput &lt;by&gt; length &amp; batch"), std::string::npos);
  EXPECT_NE(svg.find(">fp32 b1<"), std::string::npos);  // legend
  EXPECT_NE(svg.find(">int8 b1<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SvgChart, ScatterLabelsEveryPoint) {
  const std::string svg = scatter_chart(
      {"size vs accuracy", "MB", "%"},
      {{"FP32", {438}, {91.2}, {"FP32 438 MB"}}, {"INT8", {113}, {90.9}, {"INT8 \"q\" 113 MB"}}});
  EXPECT_TRUE(well_formed_xml(svg));
  EXPECT_EQ(count_of(svg, "<circle"), 2u);
  EXPECT_NE(svg.find("INT8 &quot;q&quot; 113 MB"), std::string::npos);
}

TEST(SvgChart, BoxChartDrawsABoxPerCategoryAndSeries) {
  const std::vector<BoxStats> a = {box_stats({1, 2, 3, 4, 5}), box_stats({2, 2.5, 3})};
  const std::string svg = box_chart({"latency", "workload", "ms"},
                                    {"s128 b1", "s256 b1", "real b1"}, {"FP32", "INT8"}, {a, a, a});
  EXPECT_TRUE(well_formed_xml(svg));
  // 3 categories x 2 series boxes, plus the background and 2 legend squares.
  EXPECT_EQ(count_of(svg, "<rect"), 3u * 2u + 1u + 2u);
  EXPECT_EQ(count_of(svg, "class=\"box\""), 6u);
  EXPECT_THROW(box_chart({"x", "", ""}, {"a", "b"}, {"FP32", "INT8"}, {a}), Error);
  EXPECT_THROW(box_chart({"x", "", ""}, {"a"}, {"FP32", "INT8", "BF16"}, {a}), Error);
}

TEST(SvgChart, BoxStatsAreQuartiles) {
  const BoxStats b = box_stats({5, 1, 4, 2, 3});
  EXPECT_DOUBLE_EQ(b.lo, 1);
  EXPECT_DOUBLE_EQ(b.q1, 2);
  EXPECT_DOUBLE_EQ(b.median, 3);
  EXPECT_DOUBLE_EQ(b.q3, 4);
  EXPECT_DOUBLE_EQ(b.hi, 5);
  EXPECT_DOUBLE_EQ(box_stats({1, 2}).median, 1.5);
  EXPECT_THROW(box_stats({}), Error);
}

TEST(SvgChart, BadSeriesAreErrors) {
  EXPECT_THROW(line_chart({"t", "", ""}, {{"s", {1, 2}, {1}, {}}}), Error);
  EXPECT_THROW(line_chart({"t", "", ""}, {}), Error);
  EXPECT_THROW(scatter_chart({"t", "", ""}, {{"s", {1}, {std::nan("")}, {}}}), Error);
  EXPECT_THROW(line_chart({"t", "", "", 100, 100}, {{"s", {1}, {1}, {}}}), Error);  // too small
}

TEST(SvgChart, NiceCeilingAndEscape) {
  EXPECT_DOUBLE_EQ(nice_ceiling(0.93), 1);
  EXPECT_DOUBLE_EQ(nice_ceiling(1.2), 2);
  EXPECT_DOUBLE_EQ(nice_ceiling(2.2), 2.5);
  EXPECT_DOUBLE_EQ(nice_ceiling(3), 5);
  EXPECT_DOUBLE_EQ(nice_ceiling(7), 10);
  EXPECT_DOUBLE_EQ(nice_ceiling(430), 500);
  EXPECT_DOUBLE_EQ(nice_ceiling(0), 1);
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_FALSE(well_formed_xml("<svg><g></svg>"));  // the checker itself can fail
  EXPECT_FALSE(well_formed_xml("<svg>a & b</svg>"));
}

TEST(SvgChart, BarChartHasOneBarPerValueAndEscapes) {
  const std::string s = bar_chart("a<b", {"x&y", "z"}, {1.0, 0.5}, "texts/s");
  EXPECT_TRUE(well_formed_xml(s));
  EXPECT_EQ(count_of(s, "<rect"), 2u);
  EXPECT_NE(s.find("a&lt;b"), std::string::npos);
  EXPECT_NE(s.find("x&amp;y"), std::string::npos);
  EXPECT_NE(s.find("0.5 texts/s"), std::string::npos);
  EXPECT_THROW(bar_chart("t", {"x"}, {1.0, 2.0}, ""), Error);
}

TEST(SvgChart, StackedChartsAreOneDocument) {
  const std::string a = line_chart({"loss", "step", "loss"}, {{"train", {1, 2}, {0.7, 0.5}, {}}});
  const std::string b = bar_chart("accuracy", {"m"}, {0.9}, "");
  const std::string s = stack_charts({a, b});
  EXPECT_TRUE(well_formed_xml(s));
  EXPECT_EQ(count_of(s, "<?xml"), 1u);
  EXPECT_EQ(count_of(s, "<svg"), 3u);  // the document and the two charts, nested
  EXPECT_NE(s.find("<svg y=\"420.00\""), std::string::npos) << "the second chart is not below";
  EXPECT_THROW(stack_charts({}), Error);
}

}  // namespace
}  // namespace bertq
