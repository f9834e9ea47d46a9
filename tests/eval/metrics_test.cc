#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "engine/classifier.h"

namespace bertq::eval {
namespace {

// Logits that predict class `c` among k classes.
std::vector<float> predict(int c, int k = 2) {
  std::vector<float> v(k, 0.0f);
  v[c] = 1.0f;
  return v;
}

TEST(Metrics, KnownConfusionMatrix) {
  // true\pred: NEG->NEG 3, NEG->POS 1, POS->NEG 2, POS->POS 4
  MetricsAccumulator acc({"NEG", "POS"});
  for (int i = 0; i < 3; ++i) acc.add(0, predict(0));
  acc.add(0, predict(1));
  for (int i = 0; i < 2; ++i) acc.add(1, predict(0));
  for (int i = 0; i < 4; ++i) acc.add(1, predict(1));
  const Metrics m = acc.compute();
  EXPECT_EQ(m.n, 10);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.7);
  EXPECT_EQ(m.confusion, (std::vector<std::vector<int64_t>>{{3, 1}, {2, 4}}));
  // NEG: precision 3/5, recall 3/4; POS: precision 4/5, recall 4/6.
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 0.6);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 0.75);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.8);
  EXPECT_NEAR(m.per_class[1].recall, 4.0 / 6.0, 1e-15);
  const double f_neg = 2 * 0.6 * 0.75 / 1.35, f_pos = 2 * 0.8 * (4.0 / 6) / (0.8 + 4.0 / 6);
  EXPECT_NEAR(m.per_class[0].f1, f_neg, 1e-12);
  EXPECT_NEAR(m.macro_f1, (f_neg + f_pos) / 2, 1e-12);
  EXPECT_EQ(m.per_class[0].support, 4);
  EXPECT_EQ(m.per_class[1].predicted, 5);
}

TEST(Metrics, TiesGoToTheLowestIndex) {
  EXPECT_EQ(engine::argmax({0.5f, 0.5f}), 0);
  EXPECT_EQ(engine::argmax({0.1f, 0.7f, 0.7f}), 1);
  MetricsAccumulator acc({"A", "B"});
  acc.add(1, {0.0f, 0.0f});  // tie -> predicted A -> wrong
  EXPECT_DOUBLE_EQ(acc.compute().accuracy, 0.0);
}

TEST(Metrics, OneClassAbsent) {
  // Only class 0 in the labels, and always predicted: class 1 has no support, no predictions.
  MetricsAccumulator acc({"NEG", "POS"});
  for (int i = 0; i < 5; ++i) acc.add(0, predict(0));
  const Metrics m = acc.compute();
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.per_class[1].recall, 0.0);
  EXPECT_DOUBLE_EQ(m.macro_f1, 1.0);  // class 1 left out: no support and never predicted
  // Class absent from the labels but predicted once: it counts (F1 0) in macro-F1.
  acc.add(0, predict(1));
  const Metrics m2 = acc.compute();
  EXPECT_NEAR(m2.macro_f1, (2 * 1.0 * (5.0 / 6) / (1 + 5.0 / 6) + 0.0) / 2, 1e-12);
}

TEST(Metrics, LossIsCrossEntropy) {
  MetricsAccumulator acc({"A", "B", "C"});
  acc.add(2, {1.0f, 2.0f, 3.0f});
  acc.add(0, {1000.0f, 0.0f, 0.0f});  // stable for large logits: loss ~ 0
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(acc.compute().mean_loss, (lse - 3.0) / 2, 1e-9);
}

TEST(Metrics, UnlabelledExamplesAreCountedApart) {
  MetricsAccumulator acc({"A", "B"});
  acc.add(-1, predict(0));
  acc.add(1, predict(1));
  const Metrics m = acc.compute();
  EXPECT_EQ(m.n, 1);
  EXPECT_EQ(m.unlabelled, 1);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
}

TEST(Metrics, BadInputIsAnError) {
  MetricsAccumulator acc({"A", "B"});
  EXPECT_THROW(acc.add(0, {1.0f}), Error);
  EXPECT_THROW(acc.add(2, predict(0)), Error);
  EXPECT_THROW(agreement({1, 2}, {1}), Error);
}

TEST(Metrics, Agreement) {
  EXPECT_DOUBLE_EQ(agreement({0, 1, 1, 0}, {0, 1, 0, 0}), 0.75);
  EXPECT_DOUBLE_EQ(agreement({}, {}), 0.0);
}

TEST(Metrics, JsonHasEveryFigure) {
  MetricsAccumulator acc({"NEG", "POS"});
  acc.add(0, predict(0));
  acc.add(1, predict(0));
  const auto j = acc.compute().to_json();
  EXPECT_EQ(j["examples"], 2);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["per_class"][1]["label"], "POS");
  EXPECT_EQ(j["confusion"][1][0], 1);
  EXPECT_NE(acc.compute().to_markdown().find("| NEG | 1 | 0 |"), std::string::npos);
}

}  // namespace
}  // namespace bertq::eval
