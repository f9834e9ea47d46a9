// Confusion matrix scores (see confusion.h).
#include "data/confusion.h"

#include "core/error.h"

namespace bertq::data {

Confusion::Confusion(int num_classes)
    : counts_(static_cast<size_t>(num_classes), std::vector<int64_t>(num_classes, 0)) {
  check(num_classes > 0, ErrorCode::INVALID_ARGUMENT, "metrics: no classes");
}

void Confusion::add(int true_class, int predicted_class) {
  const int k = static_cast<int>(counts_.size());
  check(true_class >= 0 && true_class < k, ErrorCode::INVALID_ARGUMENT, "metrics: label ",
        true_class, " out of range for ", k, " classes");
  check(predicted_class >= 0 && predicted_class < k, ErrorCode::INVALID_ARGUMENT,
        "metrics: predicted class ", predicted_class, " out of range for ", k, " classes");
  ++counts_[true_class][predicted_class];
  ++n_;
}

ConfusionScores Confusion::scores() const {
  ConfusionScores s;
  s.n = n_;
  const size_t k = counts_.size();
  int64_t correct = 0;
  double f1_sum = 0;
  int f1_classes = 0;
  for (size_t c = 0; c < k; ++c) {
    ClassScores cs;
    for (size_t j = 0; j < k; ++j) {
      cs.support += counts_[c][j];
      cs.predicted += counts_[j][c];
    }
    const int64_t tp = counts_[c][c];
    correct += tp;
    cs.precision = cs.predicted > 0 ? static_cast<double>(tp) / cs.predicted : 0.0;
    cs.recall = cs.support > 0 ? static_cast<double>(tp) / cs.support : 0.0;
    cs.f1 = cs.precision + cs.recall > 0 ? 2 * cs.precision * cs.recall / (cs.precision + cs.recall)
                                         : 0.0;
    if (cs.support > 0 || cs.predicted > 0) {
      f1_sum += cs.f1;
      ++f1_classes;
    }
    s.per_class.push_back(cs);
  }
  s.accuracy = n_ > 0 ? static_cast<double>(correct) / n_ : 0.0;
  s.macro_f1 = f1_classes > 0 ? f1_sum / f1_classes : 0.0;
  return s;
}

}  // namespace bertq::data
