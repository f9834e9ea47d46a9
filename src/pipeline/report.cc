// Markdown / JSON / SVG report of a pipeline run (see report.h).
#include "pipeline/report.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::pipeline {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The bench row of `model` at batch size `b`, or null.
const nlohmann::json* bench_row(const nlohmann::json& summary, const std::string& model, int b) {
  if (!summary.contains("bench")) return nullptr;
  for (const auto& r : summary["bench"])
    if (r.value("model", "") == model && r.value("batch_size", 0) == b) return &r;
  return nullptr;
}

std::pair<int, int> bench_batch_range(const nlohmann::json& summary) {
  int lo = 0, hi = 0;
  if (summary.contains("bench"))
    for (const auto& r : summary["bench"]) {
      const int b = r.value("batch_size", 0);
      lo = lo == 0 ? b : std::min(lo, b);
      hi = std::max(hi, b);
    }
  return {lo, hi};
}

}  // namespace

std::string final_table(const nlohmann::json& summary) {
  check(summary.contains("models") && summary["models"].is_array(), ErrorCode::INVALID_ARGUMENT,
        "report summary: field models: missing");
  const auto [lo, hi] = bench_batch_range(summary);
  std::string t = "| model | accuracy | macro-F1 | size (MB) | ms/text (batch " + std::to_string(lo) +
                  ") | texts/s (batch " + std::to_string(hi) + ") | agreement |\n";
  t += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& m : summary["models"]) {
    const std::string name = m.value("name", "?");
    const auto* rl = bench_row(summary, name, lo);
    const auto* rh = bench_row(summary, name, hi);
    t += "| " + name + " | " + fmt("%.4f", m.value("accuracy", 0.0)) + " | " +
         fmt("%.4f", m.value("macro_f1", 0.0)) + " | " +
         fmt("%.2f", m.value("bytes", 0.0) / 1e6) + " | " +
         (rl ? fmt("%.3f", rl->value("ms_per_text", 0.0)) : std::string("-")) + " | " +
         (rh ? fmt("%.1f", rh->value("texts_per_s", 0.0)) : std::string("-")) + " | " +
         (m.contains("agreement") ? fmt("%.4f", m["agreement"].get<double>()) : std::string("-")) +
         " |\n";
  }
  return t;
}

std::string svg_bar_chart(const std::string& title, const std::vector<std::string>& labels,
                          const std::vector<double>& values, const std::string& unit) {
  check(labels.size() == values.size(), ErrorCode::INVALID_ARGUMENT, "svg_bar_chart: sizes differ");
  const int bar_h = 26, left = 170, width = 640, top = 40;
  const double vmax = values.empty() ? 1 : std::max(1e-12, *std::max_element(values.begin(), values.end()));
  const int height = top + static_cast<int>(values.size()) * (bar_h + 8) + 20;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"13\">\n";
  s += "<text x=\"10\" y=\"22\" font-size=\"16\">" + xml_escape(title) + "</text>\n";
  for (size_t i = 0; i < values.size(); ++i) {
    const int y = top + static_cast<int>(i) * (bar_h + 8);
    const int w = static_cast<int>((width - left - 90) * (values[i] / vmax));
    s += "<text x=\"10\" y=\"" + std::to_string(y + 18) + "\">" + xml_escape(labels[i]) + "</text>\n";
    s += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(std::max(w, 1)) + "\" height=\"" + std::to_string(bar_h) +
         "\" fill=\"" + (i % 2 ? "#e07b39" : "#3b6ea8") + "\"/>\n";
    s += "<text x=\"" + std::to_string(left + std::max(w, 1) + 6) + "\" y=\"" + std::to_string(y + 18) +
         "\">" + fmt("%.4g", values[i]) + " " + xml_escape(unit) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

std::vector<std::string> write_report(const std::string& run_dir, const nlohmann::json& summary) {
  const std::string table = final_table(summary);
  std::vector<std::string> acc_labels, thr_labels;
  std::vector<double> acc, thr;
  for (const auto& m : summary["models"]) {
    acc_labels.push_back(m.value("name", "?"));
    acc.push_back(m.value("accuracy", 0.0));
  }
  if (summary.contains("bench"))
    for (const auto& r : summary["bench"]) {
      thr_labels.push_back(r.value("model", "?") + " b" + std::to_string(r.value("batch_size", 0)));
      thr.push_back(r.value("texts_per_s", 0.0));
    }
  const std::string plots = join_path(run_dir, "plots");
  make_dirs(plots);
  std::vector<std::string> written;
  auto put = [&](const std::string& path, const std::string& body) {
    write_file_atomic(path, body);
    written.push_back(path);
  };

  std::string md = "# bertq run: " + summary.value("model", std::string("?")) + " on " +
                   summary.value("data", std::string("?")) + "\n\n" + table + "\n";
  md += "Accuracy and macro-F1 on the test split; agreement = share of test examples where the "
        "model predicts the same label as FP32. Speed: end to end (tokenization included), "
        "median of interleaved passes over the same texts.\n\n";
  if (summary.contains("bench") && !summary["bench"].empty()) {
    md += "## Benchmark\n\n| model | batch | threads | isa | texts | median s | ms/text | texts/s |\n"
          "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n";
    for (const auto& r : summary["bench"])
      md += "| " + r.value("model", "") + " | " + std::to_string(r.value("batch_size", 0)) + " | " +
            std::to_string(r.value("threads", 0)) + " | " + r.value("isa", "") + " | " +
            std::to_string(r.value("texts", 0)) + " | " + fmt("%.4f", r.value("median_s", 0.0)) +
            " | " + fmt("%.3f", r.value("ms_per_text", 0.0)) + " | " +
            fmt("%.1f", r.value("texts_per_s", 0.0)) + " |\n";
    md += "\n";
  }
  if (summary.contains("train")) md += "## Training\n\n```json\n" + summary["train"].dump(2) + "\n```\n\n";
  md += "![accuracy](plots/accuracy.svg)\n![throughput](plots/throughput.svg)\n";
  if (file_exists(join_path(run_dir, "train/curves.svg"))) md += "![training curves](train/curves.svg)\n";

  put(join_path(plots, "accuracy.svg"), svg_bar_chart("Test accuracy", acc_labels, acc, ""));
  put(join_path(plots, "throughput.svg"), svg_bar_chart("Throughput", thr_labels, thr, "texts/s"));
  put(join_path(run_dir, "report.json"), summary.dump(2) + "\n");
  put(join_path(run_dir, "report.md"), md);
  return written;
}

}  // namespace bertq::pipeline
