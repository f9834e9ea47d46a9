// The trainer's checkpoint metric is the macro-F1 `bertq eval` reports: on the same predictions
// train::classification_metrics (what --metric macro_f1 ranks evaluations by) and
// eval::MetricsAccumulator (bertq eval's report) give the same accuracy and macro-F1, for two
// labels (where binary F1 of label 1 differs) and for three with a class never predicted.
#include <gtest/gtest.h>

#include <random>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "eval/eval_test_util.h"
#include "eval/metrics.h"
#include "train/metrics.h"

namespace bertq::train {
namespace {

void expect_same_as_eval(const std::vector<int32_t>& pred, const std::vector<int32_t>& gold,
                         int num_labels) {
  std::vector<std::string> labels;
  for (int c = 0; c < num_labels; ++c) labels.push_back("L" + std::to_string(c));
  eval::MetricsAccumulator acc(labels);
  for (size_t i = 0; i < pred.size(); ++i) {
    std::vector<float> logits(num_labels, 0.f);
    logits[pred[i]] = 1.f;  // eval predicts the argmax
    acc.add(gold[i], logits);
  }
  const eval::Metrics want = acc.compute();
  const EvalMetrics got = classification_metrics(pred, gold, num_labels);
  EXPECT_EQ(got.examples, want.n);
  EXPECT_DOUBLE_EQ(got.accuracy, want.accuracy);
  EXPECT_DOUBLE_EQ(got.macro_f1, want.macro_f1);
}

TEST(TrainMetrics, MacroF1IsTheOneEvalReports) {
  // Two labels, skewed: F1 of label 1 alone is 0.8, macro-F1 (0.8 + 0) / 2 = 0.4.
  const std::vector<int32_t> gold = {1, 1, 0, 1, 0}, pred = {1, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(classification_metrics(pred, gold, 2).macro_f1, (2 * 0.6 / 1.6 + 0) / 2);
  expect_same_as_eval(pred, gold, 2);

  std::mt19937 rng(7);
  for (int num_labels : {2, 3, 5}) {
    std::vector<int32_t> p, g;
    for (int i = 0; i < 200; ++i) {
      g.push_back(static_cast<int32_t>(rng() % num_labels));
      // Never predict the last class of 3+ (left in macro-F1 with F1 0: it has support).
      p.push_back(static_cast<int32_t>(rng() % (num_labels > 2 ? num_labels - 1 : num_labels)));
    }
    expect_same_as_eval(p, g, num_labels);
  }
}

TEST(TrainMetrics, LabelsOutOfRangeAreErrors) {
  EXPECT_THROW(classification_metrics({0, 2}, {0, 1}, 2), Error);
  EXPECT_THROW(classification_metrics({0, 1}, {0, -1}, 2), Error);
}

// curves.svg: the loss chart (train, eval) above the evaluation chart (accuracy, macro-F1),
// drawn by the one chart writer; cut lines are skipped; no figures, no file.
TEST(TrainMetrics, CurvesAreTwoStackedCharts) {
  ::bertq::testing::TempDir tmp;
  const std::string log = tmp.file("metrics.jsonl"), svg = tmp.file("curves.svg");
  write_file_atomic(log, "{\"kind\":\"run\"}\n");
  write_loss_plot(log, svg);
  EXPECT_FALSE(file_exists(svg));
  write_file_atomic(log,
                    "{\"kind\":\"train\",\"step\":1,\"loss\":0.7}\n"
                    "{\"kind\":\"train\",\"step\":2,\"loss\":0.6}\n"
                    "{\"kind\":\"eval\",\"step\":2,\"loss\":0.65,\"accuracy\":0.6,"
                    "\"macro_f1\":0.55}\n"
                    "{\"kind\":\"train\",\"st");
  write_loss_plot(log, svg);
  const std::string s = read_file(svg);
  EXPECT_TRUE(eval::testing::well_formed_xml(s));
  EXPECT_EQ(eval::testing::count_of(s, "<polyline"), 4u);
  EXPECT_NE(s.find("eval macro-F1"), std::string::npos);
  EXPECT_LT(s.find(">Loss<"), s.find(">Evaluation<"));
}

}  // namespace
}  // namespace bertq::train
