// Classification metrics, the RUN/metrics.jsonl log and the SVG plot of its curves.
//
//   train::EvalMetrics m = train::classification_metrics(pred, gold, 2);  // m.accuracy, m.macro_f1
//   train::MetricsLog log("run/metrics.jsonl");  log.append(json_line);
//   train::write_loss_plot("run/metrics.jsonl", "run/curves.svg");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::train {

struct EvalMetrics {
  // macro_f1: the macro-F1 `bertq eval` reports (data/confusion.h), for any number of labels.
  double loss = 0, accuracy = 0, macro_f1 = 0;
  int64_t examples = 0;
};

EvalMetrics classification_metrics(const std::vector<int32_t>& pred,
                                   const std::vector<int32_t>& gold, int num_labels);

// Appends one JSON object per line (flushed + fsync'd per line, so a crash loses at most the
// line being written). On resume, lines with a step beyond `keep_up_to_step` are dropped.
class MetricsLog {
 public:
  explicit MetricsLog(std::string path) : path_(std::move(path)) {}
  void append(const std::string& json_line) const;
  void truncate_after(int64_t step) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Reads metrics.jsonl and draws train and eval loss, and eval accuracy and macro-F1, by step, as
// two stacked line charts in one SVG (core/svg_chart.h; written atomically, not at all while
// the log has no such figures). Lines without those fields are ignored.
void write_loss_plot(const std::string& metrics_jsonl, const std::string& svg_path);

}  // namespace bertq::train
