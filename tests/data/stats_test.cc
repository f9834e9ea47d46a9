// Dataset statistics: counts per split/label, nearest-rank percentiles, histogram buckets,
// share over token thresholds (with a fake whitespace token counter), JSON shape.
#include "data/stats.h"

#include <gtest/gtest.h>

#include "data/jsonl_reader.h"

namespace bertq::data {
namespace {

TEST(Stats, SummarizeLengths) {
  std::vector<size_t> v;
  for (size_t i = 1; i <= 100; ++i) v.push_back(i * 10);  // 10..1000
  const LengthSummary s = summarize_lengths(v, {0, 100, 500}, {128, 256, 512});
  EXPECT_EQ(s.count, 100u);
  EXPECT_EQ(s.min, 10u);
  EXPECT_EQ(s.max, 1000u);
  EXPECT_DOUBLE_EQ(s.mean, 505.0);
  EXPECT_EQ(s.p50, 500u);
  EXPECT_EQ(s.p90, 900u);
  EXPECT_EQ(s.p99, 990u);
  EXPECT_EQ(s.counts, (std::vector<size_t>{9, 40, 51}));  // [0,100) [100,500) [500,inf)
  ASSERT_EQ(s.share_over.size(), 3u);
  EXPECT_DOUBLE_EQ(s.share_over[0].second, 0.88);  // > 128: 130..1000
  EXPECT_DOUBLE_EQ(s.share_over[2].second, 0.49);  // > 512: 520..1000
}

TEST(Stats, CountsAndTokens) {
  const std::string data =
      "{\"text\":\"a b c\",\"label\":0}\n{\"text\":\"d e\",\"label\":1}\n"
      "{\"text\":\"\xC3\xA9t\xC3\xA9\",\"label\":1}\n{\"text\":\"x\",\"label\":-1}\n";
  auto r = read_jsonl_buffer(data, {}, "dir/dev.jsonl");
  const TokenCounter words = [](const std::vector<std::string>& texts) {
    std::vector<size_t> n;
    for (const auto& t : texts)
      n.push_back(1 + static_cast<size_t>(std::count(t.begin(), t.end(), ' ')));
    return n;
  };
  const DatasetStats s = compute_stats(*r, words, 3);
  EXPECT_EQ(s.examples, 4u);
  EXPECT_EQ(s.counts.at("dev").at("0"), 1u);
  EXPECT_EQ(s.counts.at("dev").at("1"), 2u);
  EXPECT_EQ(s.counts.at("dev").at(""), 1u);
  EXPECT_EQ(s.chars.max, 5u);
  EXPECT_EQ(s.chars.min, 1u);
  ASSERT_TRUE(s.tokens.has_value());
  EXPECT_EQ(s.tokens->count, 4u);
  EXPECT_EQ(s.tokens->max, 3u);
  const auto j = stats_to_json(s);
  EXPECT_EQ(j["splits"]["dev"]["total"], 4);
  EXPECT_EQ(j["splits"]["dev"]["labels"]["(unlabelled)"], 1);
  EXPECT_EQ(j["tokens"]["share_longer_than"]["128"], 0.0);
  EXPECT_NE(format_stats(s).find("length in tokens"), std::string::npos);
}

}  // namespace
}  // namespace bertq::data
