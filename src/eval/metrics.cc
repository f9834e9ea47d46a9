#include "eval/metrics.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "engine/classifier.h"

namespace bertq::eval {

MetricsAccumulator::MetricsAccumulator(std::vector<std::string> labels)
    : labels_(std::move(labels)), confusion_(static_cast<int>(labels_.size())) {}

void MetricsAccumulator::add(int label, const std::vector<float>& logits) {
  const int k = static_cast<int>(labels_.size());
  check(static_cast<int>(logits.size()) == k, ErrorCode::INVALID_ARGUMENT, "metrics: expected ", k,
        " logits, got ", logits.size());
  if (label < 0) {
    ++unlabelled_;
    return;
  }
  check(label < k, ErrorCode::INVALID_ARGUMENT, "metrics: label ", label, " out of range for ", k,
        " classes");
  const int pred = engine::argmax(logits);
  confusion_.add(label, pred);
  double mx = logits[0];
  for (float x : logits) mx = std::max(mx, static_cast<double>(x));
  double sum = 0;
  for (float x : logits) sum += std::exp(static_cast<double>(x) - mx);
  loss_sum_ += (mx + std::log(sum)) - static_cast<double>(logits[label]);
  ++n_;
}

Metrics MetricsAccumulator::compute() const {
  const data::ConfusionScores scores = confusion_.scores();
  Metrics m;
  m.n = n_;
  m.unlabelled = unlabelled_;
  m.confusion = confusion_.counts();
  for (size_t c = 0; c < labels_.size(); ++c) {
    const data::ClassScores& cs = scores.per_class[c];
    m.per_class.push_back({labels_[c], cs.precision, cs.recall, cs.f1, cs.support, cs.predicted});
  }
  m.accuracy = scores.accuracy;
  m.macro_f1 = scores.macro_f1;
  m.mean_loss = n_ > 0 ? loss_sum_ / n_ : 0.0;
  return m;
}

nlohmann::json Metrics::to_json() const {
  nlohmann::json j;
  j["examples"] = n;
  j["unlabelled"] = unlabelled;
  j["accuracy"] = accuracy;
  j["macro_f1"] = macro_f1;
  j["mean_loss"] = mean_loss;
  j["confusion"] = confusion;
  nlohmann::json pc = nlohmann::json::array();
  for (const auto& c : per_class) {
    pc.push_back({{"label", c.label},
                  {"precision", c.precision},
                  {"recall", c.recall},
                  {"f1", c.f1},
                  {"support", c.support},
                  {"predicted", c.predicted}});
  }
  j["per_class"] = pc;
  return j;
}

std::string Metrics::to_markdown() const {
  std::ostringstream os;
  char buf[256];
  std::snprintf(buf, sizeof buf, "examples %lld, accuracy %.4f, macro-F1 %.4f, mean loss %.4f\n\n",
                static_cast<long long>(n), accuracy, macro_f1, mean_loss);
  os << buf;
  os << "| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n";
  for (const auto& c : per_class) {
    std::snprintf(buf, sizeof buf, "| %s | %.4f | %.4f | %.4f | %lld |\n", c.label.c_str(),
                  c.precision, c.recall, c.f1, static_cast<long long>(c.support));
    os << buf;
  }
  os << "\nconfusion (rows: true, columns: predicted)\n\n| |";
  for (const auto& c : per_class) os << " " << c.label << " |";
  os << "\n|---|";
  for (size_t i = 0; i < per_class.size(); ++i) os << "---:|";
  os << "\n";
  for (size_t r = 0; r < confusion.size(); ++r) {
    os << "| " << per_class[r].label << " |";
    for (int64_t v : confusion[r]) os << " " << v << " |";
    os << "\n";
  }
  return os.str();
}

double agreement(const std::vector<int>& a, const std::vector<int>& b) {
  check(a.size() == b.size(), ErrorCode::INVALID_ARGUMENT, "agreement: ", a.size(), " vs ",
        b.size(), " predictions");
  if (a.empty()) return 0.0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace bertq::eval
