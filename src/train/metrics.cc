// Accuracy / F1, the JSONL metrics log and a dependency-free SVG line plot (see metrics.h).
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

namespace bertq::train {

EvalMetrics classification_metrics(const std::vector<int32_t>& pred,
                                   const std::vector<int32_t>& gold, int num_labels) {
  check(pred.size() == gold.size(), ErrorCode::INTERNAL, "metrics: size mismatch");
  EvalMetrics m;
  m.examples = static_cast<int64_t>(gold.size());
  if (gold.empty()) return m;
  std::vector<int64_t> tp(num_labels, 0), fp(num_labels, 0), fn(num_labels, 0);
  int64_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (pred[i] == gold[i]) {
      ++correct;
      ++tp[gold[i]];
    } else {
      ++fp[pred[i]];
      ++fn[gold[i]];
    }
  }
  m.accuracy = static_cast<double>(correct) / gold.size();
  auto f1_of = [&](int c) {
    const double d = 2.0 * tp[c] + fp[c] + fn[c];
    return d > 0 ? 2.0 * tp[c] / d : 0.0;
  };
  if (num_labels == 2) {
    m.f1 = f1_of(1);
  } else {
    for (int c = 0; c < num_labels; ++c) m.f1 += f1_of(c) / num_labels;
  }
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

namespace {

struct Series {
  std::string name, color;
  std::vector<std::pair<double, double>> pts;
  bool right_axis = false;
};

}  // namespace

void write_loss_plot(const std::string& metrics_jsonl, const std::string& svg_path) {
  Series train{"train loss", "#1f77b4", {}, false}, eval_loss{"eval loss", "#d62728", {}, false},
      eval_acc{"eval accuracy", "#2ca02c", {}, true};
  LineReader r(metrics_jsonl);
  std::string line;
  while (r.next(line)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      continue;
    }
    if (!j.contains("step")) continue;
    const double step = j["step"].get<double>();
    const std::string kind = j.value("kind", "");
    if (kind == "train" && j.contains("loss"))
      train.pts.emplace_back(step, j["loss"].get<double>());
    if (kind == "eval" && j.contains("loss"))
      eval_loss.pts.emplace_back(step, j["loss"].get<double>());
    if (kind == "eval" && j.contains("accuracy"))
      eval_acc.pts.emplace_back(step, j["accuracy"].get<double>());
  }
  const double W = 800, H = 450, L = 60, R = 60, T = 30, B = 50;
  double xmax = 1, ymax = 0;
  for (const Series* s : {&train, &eval_loss})
    for (auto& [x, y] : s->pts) ymax = std::max(ymax, y);
  for (const Series* s : {&train, &eval_loss, &eval_acc})
    for (auto& [x, y] : s->pts) xmax = std::max(xmax, x);
  if (ymax <= 0) ymax = 1;
  ymax *= 1.05;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
    << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' "
       "fill='white'/>\n";
  o << "<line x1='" << L << "' y1='" << H - B << "' x2='" << W - R << "' y2='" << H - B
    << "' stroke='black'/>\n";
  o << "<line x1='" << L << "' y1='" << T << "' x2='" << L << "' y2='" << H - B
    << "' stroke='black'/>\n";
  o << "<line x1='" << W - R << "' y1='" << T << "' x2='" << W - R << "' y2='" << H - B
    << "' stroke='black'/>\n";
  for (int k = 0; k <= 4; ++k) {
    const double f = k / 4.0, y = H - B - f * (H - T - B);
    o << "<text x='" << L - 5 << "' y='" << y + 4 << "' text-anchor='end'>"
      << std::round(f * ymax * 100) / 100 << "</text>\n";
    o << "<text x='" << W - R + 5 << "' y='" << y + 4 << "'>" << f << "</text>\n";
    o << "<text x='" << L + f * (W - L - R) << "' y='" << H - B + 18 << "' text-anchor='middle'>"
      << static_cast<int64_t>(f * xmax) << "</text>\n";
  }
  o << "<text x='" << W / 2 << "' y='" << H - 10 << "' text-anchor='middle'>step</text>\n";
  o << "<text x='15' y='" << H / 2 << "' transform='rotate(-90 15 " << H / 2
    << ")' text-anchor='middle'>loss</text>\n";
  o << "<text x='" << W - 15 << "' y='" << H / 2 << "' transform='rotate(90 " << W - 15 << " "
    << H / 2 << ")' text-anchor='middle'>accuracy</text>\n";
  int legend = 0;
  for (const Series* s : {&train, &eval_loss, &eval_acc}) {
    o << "<text x='" << L + 10 << "' y='" << T + 15 * (legend++) << "' fill='" << s->color << "'>"
      << s->name << "</text>\n";
    if (s->pts.empty()) continue;
    o << "<polyline fill='none' stroke='" << s->color << "' stroke-width='1.5' points='";
    for (auto& [x, y] : s->pts) {
      const double px = L + x / xmax * (W - L - R);
      const double py = H - B - (s->right_axis ? y : y / ymax) * (H - T - B);
      o << px << "," << py << " ";
    }
    o << "'/>\n";
  }
  o << "</svg>\n";
  write_file_atomic(svg_path, o.str());
}

}  // namespace bertq::train
