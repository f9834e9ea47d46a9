// The shared IMDB JSON Lines copy (../shared/data/imdb, see its README): test.jsonl.gz holds
// 12,500 neg + 12,500 pos reviews; 331 of them contain U+0085, which must not split lines.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "common/test_util.h"
#include "data/dataset.h"
#include "data/stats.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

TEST(SharedImdb, TestSplitCounts) {
  BERTQ_REQUIRE_SHARED(path, "data/imdb/test.jsonl.gz");
  auto r = open_dataset(path);
  std::map<std::string, size_t> counts;
  size_t nel = 0, breaks = 0;
  Example ex;
  while (r->next(ex)) {
    ++counts[ex.label_name];
    nel += ex.text.find("\xC2\x85") != std::string::npos;
    breaks += ex.text.find("<br /><br />") != std::string::npos;
  }
  EXPECT_EQ(counts, (std::map<std::string, size_t>{{"0", 12500}, {"1", 12500}}));
  EXPECT_EQ(nel, 331u);
  EXPECT_EQ(breaks, 7421u + 7114u);
  EXPECT_EQ(r->bad_rows(), 0u);
}

TEST(SharedImdb, ImdbSpecThroughEnvAndLimit) {
  BERTQ_REQUIRE_SHARED(dir, "data/imdb");
  setenv("BERTQ_IMDB_DIR", dir.c_str(), 1);
  const Dataset ds = load_dataset("imdb:test", {}, 1000, 3);
  unsetenv("BERTQ_IMDB_DIR");
  ASSERT_EQ(ds.examples.size(), 1000u);
  size_t pos = 0;
  for (const auto& e : ds.examples) pos += e.label == 1;
  EXPECT_EQ(pos, 500u);
  EXPECT_EQ(ds.labels.names, (std::vector<std::string>{"0", "1"}));
}

}  // namespace
}  // namespace bertq::data
