// Scores of a confusion matrix [true][predicted]: accuracy, per-class precision / recall / F1
// and macro-F1, with scikit-learn's conventions (zero_division=0): a class never predicted has
// precision 0; a class absent from the labels has recall 0 and is left out of macro-F1 only if
// it is also never predicted. The one place these are computed: `bertq eval`'s report
// (eval::MetricsAccumulator) and the trainer's checkpoint metric (train::classification_metrics,
// `--metric macro_f1`) both call it, so they agree on the same predictions.
//
//   bertq::data::Confusion c(2);  c.add(/*true*/ 1, /*predicted*/ 1);  c.add(0, 1);
//   bertq::data::ConfusionScores s = c.scores();   s.accuracy == 0.5;  s.macro_f1;  s.per_class
#pragma once

#include <cstdint>
#include <vector>

namespace bertq::data {

struct ClassScores {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;    // examples whose true label is this class
  int64_t predicted = 0;  // examples predicted as this class
};

struct ConfusionScores {
  int64_t n = 0;  // examples counted
  double accuracy = 0, macro_f1 = 0;
  std::vector<ClassScores> per_class;
};

class Confusion {
 public:
  explicit Confusion(int num_classes);
  // INVALID_ARGUMENT for a class outside [0, num_classes).
  void add(int true_class, int predicted_class);
  ConfusionScores scores() const;
  const std::vector<std::vector<int64_t>>& counts() const { return counts_; }

 private:
  std::vector<std::vector<int64_t>> counts_;
  int64_t n_ = 0;
};

}  // namespace bertq::data
