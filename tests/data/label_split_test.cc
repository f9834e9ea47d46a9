// Label maps (synonyms, model id2label mapping, unknown labels) and stratified split / limit
// (determinism, stratification, exact sizes).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "data/dataset.h"
#include "data/label_map.h"
#include "data/text_clean.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

using testing::error_of;

TEST(LabelMap, SynonymsAndIntegers) {
  LabelMap m;
  m.names = {"NEGATIVE", "POSITIVE"};
  EXPECT_EQ(m.id("pos"), 1);
  EXPECT_EQ(m.id("Positive"), 1);
  EXPECT_EQ(m.id("1"), 1);
  EXPECT_EQ(m.id("neg"), 0);
  EXPECT_EQ(m.id("0"), 0);
  EXPECT_EQ(m.id("LABEL_1"), 1);
  EXPECT_EQ(m.id("2"), -1);
  EXPECT_EQ(m.id("neutral"), -1);
  LabelMap hf;
  hf.names = {"LABEL_0", "LABEL_1"};
  EXPECT_EQ(hf.id("negative"), 0);
  EXPECT_EQ(hf.id("pos"), 1);
  LabelMap none;
  EXPECT_EQ(none.id("3"), 3);
  EXPECT_EQ(none.id("x"), -1);
  EXPECT_EQ(none.get_or_add("x"), 0);
  EXPECT_EQ(none.get_or_add("y"), 1);
  EXPECT_EQ(none.get_or_add("X"), 0);
}

TEST(LabelMap, BuildFromSeenNames) {
  EXPECT_EQ(LabelMap::build({"1", "0", "", "2"}).names, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(LabelMap::build({"positive", "negative"}).names,
            (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  EXPECT_EQ(LabelMap::build({"pos"}).names, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  EXPECT_EQ(LabelMap::build({"sports", "arts", "sports", "1"}).names,
            (std::vector<std::string>{"1", "arts", "sports"}));
}

TEST(LabelMap, MapLabelsThroughModelAndRejectUnknown) {
  Dataset ds;
  for (const char* n : {"positive", "neg", "1", ""}) {
    Example e;
    e.label_name = n;
    e.id = std::string("f.csv:") + n;
    ds.examples.push_back(e);
  }
  map_labels(ds, {"NEGATIVE", "POSITIVE"});
  EXPECT_EQ(ds.examples[0].label, 1);
  EXPECT_EQ(ds.examples[1].label, 0);
  EXPECT_EQ(ds.examples[2].label, 1);
  EXPECT_EQ(ds.examples[3].label, -1);
  ds.examples[0].label_name = "neutral";
  ds.examples[0].id = "f.csv:7";
  const std::string msg = error_of([&] { map_labels(ds, {"NEGATIVE", "POSITIVE"}); });
  EXPECT_NE(
      msg.find("f.csv:7: label \"neutral\" is not one of the model's labels (NEGATIVE, POSITIVE)"),
      std::string::npos)
      << msg;
}

Dataset make_dataset(size_t neg, size_t pos, size_t unlabelled) {
  Dataset ds;
  ds.labels.names = {"NEGATIVE", "POSITIVE"};
  size_t i = 0;
  auto add = [&](int label, size_t n) {
    for (size_t k = 0; k < n; ++k, ++i) {
      Example e;
      e.label = label;
      e.id = "ex" + std::to_string(i);
      ds.examples.push_back(e);
    }
  };
  add(0, neg);
  add(1, pos);
  add(-1, unlabelled);
  return ds;
}

std::map<int, size_t> label_counts(const Dataset& ds) {
  std::map<int, size_t> c;
  for (const auto& e : ds.examples) ++c[e.label];
  return c;
}

TEST(StratifiedSplit, DeterministicStratifiedAndDisjoint) {
  const Dataset ds = make_dataset(300, 100, 10);
  const auto [train, val] = stratified_split(ds, 0.1, 42);
  EXPECT_EQ(label_counts(val), (std::map<int, size_t>{{-1, 1}, {0, 30}, {1, 10}}));
  EXPECT_EQ(label_counts(train), (std::map<int, size_t>{{-1, 9}, {0, 270}, {1, 90}}));
  std::set<std::string> ids;
  for (const auto* part : {&train, &val})
    for (const auto& e : part->examples) EXPECT_TRUE(ids.insert(e.id).second) << e.id;
  EXPECT_EQ(ids.size(), ds.examples.size());
  const auto [train2, val2] = stratified_split(ds, 0.1, 42);
  ASSERT_EQ(val2.examples.size(), val.examples.size());
  for (size_t i = 0; i < val.examples.size(); ++i)
    EXPECT_EQ(val.examples[i].id, val2.examples[i].id);
  const auto [train3, val3] = stratified_split(ds, 0.1, 43);
  bool differs = false;
  for (size_t i = 0; i < val.examples.size(); ++i)
    differs |= val.examples[i].id != val3.examples[i].id;
  EXPECT_TRUE(differs) << "another seed should pick other examples";
  EXPECT_NE(error_of([&] { stratified_split(ds, 1.0, 1); }).find("validation split"),
            std::string::npos);
}

TEST(StratifiedLimit, KeepsSharesAndExactSize) {
  const Dataset ds = make_dataset(300, 100, 0);
  const Dataset small = stratified_limit(ds, 41, 7);
  ASSERT_EQ(small.examples.size(), 41u);
  // 41 * 3/4 = 30.75 -> 31 neg, 41 / 4 = 10.25 -> 10 pos.
  EXPECT_EQ(label_counts(small), (std::map<int, size_t>{{0, 31}, {1, 10}}));
  const Dataset again = stratified_limit(ds, 41, 7);
  for (size_t i = 0; i < small.examples.size(); ++i)
    EXPECT_EQ(small.examples[i].id, again.examples[i].id);
  EXPECT_EQ(stratified_limit(ds, 1000, 7).examples.size(), 400u);
}

TEST(TextClean, Breaks) {
  EXPECT_EQ(clean_html_breaks("a<br /><br />b<BR>c<br/>d<bR  />e<bra>"), "a\n\nb\nc\nd\ne<bra>");
}

// --on-bad-row's one parser (data stats, train, pretrain): the two names, anything else refused.
TEST(ReadOptions, OnBadRowNames) {
  EXPECT_EQ(parse_on_bad_row("error"), ReadOptions::OnBadRow::ERROR);
  EXPECT_EQ(parse_on_bad_row("skip"), ReadOptions::OnBadRow::SKIP);
  EXPECT_NE(error_of([] { parse_on_bad_row("skp"); }).find("--on-bad-row: expected error or skip"),
            std::string::npos);
}

}  // namespace
}  // namespace bertq::data
