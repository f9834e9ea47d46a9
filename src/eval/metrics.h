// Classification metrics from (true label, logits) pairs: accuracy, per-class precision /
// recall / F1, macro-F1, confusion matrix, mean cross-entropy loss, and agreement between two
// models' predictions.
//
// Conventions (those of scikit-learn with zero_division=0 and of torch.argmax):
// - The predicted class is the argmax of the logits; ties go to the lowest index.
// - Precision, recall, F1 and macro-F1 as data/confusion.h computes them (the one place, shared
//   with the trainer's --metric macro_f1).
// - Loss is the cross-entropy -log softmax(logits)[true], computed with log-sum-exp.
// - Examples without a label (label < 0) count for nothing but `unlabelled`.
//
//   bertq::eval::MetricsAccumulator acc({"NEGATIVE", "POSITIVE"});
//   acc.add(1, {-0.3f, 1.2f});
//   bertq::eval::Metrics m = acc.compute();   m.accuracy, m.to_json(), m.to_markdown()
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "data/confusion.h"

namespace bertq::eval {

struct ClassMetrics {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;    // examples whose true label is this class
  int64_t predicted = 0;  // examples predicted as this class
};

struct Metrics {
  int64_t n = 0;           // labelled examples scored
  int64_t unlabelled = 0;  // examples without a label (not scored)
  double accuracy = 0, macro_f1 = 0, mean_loss = 0;
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]

  nlohmann::json to_json() const;
  std::string to_markdown() const;
};

class MetricsAccumulator {
 public:
  explicit MetricsAccumulator(std::vector<std::string> labels);

  // `logits` must have one value per class; label < 0 means unlabelled.
  void add(int label, const std::vector<float>& logits);
  Metrics compute() const;

 private:
  std::vector<std::string> labels_;
  data::Confusion confusion_;
  double loss_sum_ = 0;
  int64_t n_ = 0, unlabelled_ = 0;
};

// Share (0..1) of positions where a[i] == b[i]; the vectors must have the same size.
double agreement(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace bertq::eval
