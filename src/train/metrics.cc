// Accuracy / macro-F1 (data/confusion.h), the JSONL metrics log and its curves (core/svg_chart.h).
#include "train/metrics.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/file_util.h"
#include "core/line_reader.h"
#include "core/svg_chart.h"
#include "data/confusion.h"

namespace bertq::train {

EvalMetrics classification_metrics(const std::vector<int32_t>& pred,
                                   const std::vector<int32_t>& gold, int num_labels) {
  check(pred.size() == gold.size(), ErrorCode::INTERNAL, "metrics: size mismatch");
  data::Confusion confusion(num_labels);
  for (size_t i = 0; i < gold.size(); ++i) confusion.add(gold[i], pred[i]);
  const data::ConfusionScores s = confusion.scores();
  EvalMetrics m;
  m.examples = s.n;
  m.accuracy = s.accuracy;
  m.macro_f1 = s.macro_f1;
  return m;
}

void MetricsLog::append(const std::string& json_line) const {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  check(fd >= 0, ErrorCode::IO, path_, ": cannot open for appending");
  const std::string s = json_line + "\n";
  const ssize_t n = ::write(fd, s.data(), s.size());
  ::fsync(fd);
  ::close(fd);
  check(n == static_cast<ssize_t>(s.size()), ErrorCode::IO, path_, ": short write");
}

void MetricsLog::truncate_after(int64_t step) const {
  if (!file_exists(path_)) return;
  std::string kept;
  {
    LineReader r(path_);
    std::string line;
    while (r.next(line)) {
      try {
        auto j = nlohmann::json::parse(line);
        if (j.contains("step") && j["step"].get<int64_t>() > step) continue;
      } catch (const nlohmann::json::exception&) {
        continue;  // a line cut by a crash
      }
      kept += line + "\n";
    }
  }
  write_file_atomic(path_, kept);
}

void write_loss_plot(const std::string& metrics_jsonl, const std::string& svg_path) {
  Series train{"train loss", {}, {}, {}}, eval_loss{"eval loss", {}, {}, {}},
      eval_acc{"eval accuracy", {}, {}, {}}, eval_f1{"eval macro-F1", {}, {}, {}};
  auto add = [](Series& s, double x, double y) {
    s.x.push_back(x);
    s.y.push_back(y);
  };
  LineReader r(metrics_jsonl);
  std::string line;
  while (r.next(line)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      continue;  // a line cut by a crash
    }
    if (!j.contains("step")) continue;
    const double step = j["step"].get<double>();
    const std::string kind = j.value("kind", "");
    if (kind == "train" && j.contains("loss")) add(train, step, j["loss"].get<double>());
    if (kind == "eval" && j.contains("loss")) add(eval_loss, step, j["loss"].get<double>());
    if (kind == "eval" && j.contains("accuracy")) add(eval_acc, step, j["accuracy"].get<double>());
    if (kind == "eval" && j.contains("macro_f1")) add(eval_f1, step, j["macro_f1"].get<double>());
  }
  auto present = [](std::vector<Series> all) {
    std::vector<Series> out;
    for (Series& s : all)
      if (!s.x.empty()) out.push_back(std::move(s));
    return out;
  };
  std::vector<std::string> charts;
  const std::vector<Series> losses = present({train, eval_loss});
  if (!losses.empty()) charts.push_back(line_chart({"Loss", "step", "loss"}, losses));
  const std::vector<Series> scores = present({eval_acc, eval_f1});
  if (!scores.empty()) charts.push_back(line_chart({"Evaluation", "step", "score"}, scores));
  if (!charts.empty()) write_file_atomic(svg_path, stack_charts(charts));
}

}  // namespace bertq::train
