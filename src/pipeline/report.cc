// Markdown / JSON / SVG report of a pipeline run (see report.h).
#include "pipeline/report.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "core/file_util.h"
#include "core/svg_chart.h"

namespace bertq::pipeline {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

const nlohmann::json& workloads(const nlohmann::json& summary) {
  static const nlohmann::json none = nlohmann::json::array();
  if (!summary.contains("bench") || !summary["bench"].is_object()) return none;
  const auto it = summary["bench"].find("workloads");
  return it != summary["bench"].end() && it->is_array() ? *it : none;
}

// The latency workload with the smallest batch ("real bN") and the bucketed throughput pass.
const nlohmann::json* find_workload(const nlohmann::json& summary, bool throughput) {
  const nlohmann::json* best = nullptr;
  for (const auto& w : workloads(summary)) {
    const std::string kind = w.value("kind", "");
    if (throughput ? kind == "throughput" && w.value("padding", "") == "bucketed"
                   : kind == "real") {
      if (best == nullptr || w.value("batch_size", 0) < best->value("batch_size", 0)) best = &w;
    }
  }
  return best;
}

// `workload`'s result of `model`, or null.
const nlohmann::json* result_of(const nlohmann::json* workload, const std::string& model) {
  if (workload == nullptr || !workload->contains("results")) return nullptr;
  for (const auto& r : (*workload)["results"])
    if (r.value("model", "") == model) return &r;
  return nullptr;
}

double ms_per_text(const nlohmann::json& workload, const nlohmann::json& r) {
  const double n = workload.value("sequences_per_run", 0.0);
  return n > 0 ? r.value("median_ms", 0.0) / n : 0.0;
}

}  // namespace

std::string final_table(const nlohmann::json& summary) {
  check(summary.contains("models") && summary["models"].is_array(), ErrorCode::INVALID_ARGUMENT,
        "report summary: field models: missing");
  const nlohmann::json* lat = find_workload(summary, false);
  const nlohmann::json* thr = find_workload(summary, true);
  std::string t = "| model | accuracy | macro-F1 | size (MB) | ms/text (batch " +
                  std::to_string(lat ? lat->value("batch_size", 0) : 0) + ") | texts/s (batch " +
                  std::to_string(thr ? thr->value("batch_size", 0) : 0) + ") | agreement |\n";
  t += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& m : summary["models"]) {
    const std::string name = m.value("name", "?");
    const auto* rl = result_of(lat, name);
    const auto* rh = result_of(thr, name);
    t += "| " + name + " | " + fmt("%.4f", m.value("accuracy", 0.0)) + " | " +
         fmt("%.4f", m.value("macro_f1", 0.0)) + " | " + fmt("%.2f", m.value("bytes", 0.0) / 1e6) +
         " | " + (rl ? fmt("%.3f", ms_per_text(*lat, *rl)) : std::string("-")) + " | " +
         (rh ? fmt("%.1f", rh->value("sequences_per_s", 0.0)) : std::string("-")) + " | " +
         (m.contains("agreement") ? fmt("%.4f", m["agreement"].get<double>()) : std::string("-")) +
         " |\n";
  }
  return t;
}

std::vector<std::string> write_report(const std::string& run_dir, const nlohmann::json& summary) {
  const std::string table = final_table(summary);
  std::vector<std::string> acc_labels, thr_labels;
  std::vector<double> acc, thr;
  for (const auto& m : summary["models"]) {
    acc_labels.push_back(m.value("name", "?"));
    acc.push_back(m.value("accuracy", 0.0));
  }
  // Texts per second of every latency and throughput workload (tokenization excluded).
  for (const auto& w : workloads(summary)) {
    const std::string kind = w.value("kind", "");
    if (kind != "real" && kind != "throughput") continue;
    for (const auto& r : w.value("results", nlohmann::json::array())) {
      thr_labels.push_back(r.value("model", "?") + " " + w.value("name", "?"));
      thr.push_back(r.value("sequences_per_s", 0.0));
    }
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
  md +=
      "Accuracy and macro-F1 on the test split; agreement = share of test examples where the "
      "model predicts the same label as FP32. Speed (benchmark::run_bench, both models interleaved "
      "in one run, tokenization timed apart): ms/text = median latency of a batch of real "
      "test texts / batch size; texts/s = one pass over all bench texts sorted by length and "
      "packed without padding.\n\n";
  const auto& models = summary["models"];
  if (!models.empty() && models[0].contains("tokenization") &&
      models[0]["tokenization"].is_object()) {
    const auto& tk = models[0]["tokenization"];
    md +=
        "Tokenization (evaluation and benchmark): max length " +
        std::to_string(tk.value("max_length", 0)) + ", truncation " + tk.value("truncation", "?") +
        (tk.value("truncation", "") == "head+tail"
             ? ", " + std::to_string(tk.value("head_tokens", 0)) + " head tokens"
             : std::string()) +
        " (from " + tk.value("from", nlohmann::json::object()).value("max_length", "?") + ").\n\n";
  }
  for (const auto& m : models) {
    const std::string e = m.value("eval_markdown", "");
    if (!e.empty()) md += "## " + m.value("name", "?") + " on the test split\n\n" + e + "\n";
  }
  const std::string bench_md = summary.value("bench_markdown", "");
  if (!bench_md.empty()) md += "## Benchmark\n\n" + bench_md + "\n";
  if (summary.contains("train"))
    md += "## Training\n\n```json\n" + summary["train"].dump(2) + "\n```\n\n";
  md += "![accuracy](plots/accuracy.svg)\n![throughput](plots/throughput.svg)\n";
  if (file_exists(join_path(run_dir, "plots/latency.svg"))) md += "![latency](plots/latency.svg)\n";
  if (file_exists(join_path(run_dir, "train/curves.svg")))
    md += "![training curves](train/curves.svg)\n";

  put(join_path(plots, "accuracy.svg"), bar_chart("Test accuracy", acc_labels, acc, ""));
  put(join_path(plots, "throughput.svg"),
      bar_chart("Throughput (model only)", thr_labels, thr, "texts/s"));
  put(join_path(run_dir, "report.json"), summary.dump(2) + "\n");
  put(join_path(run_dir, "report.md"), md);
  return written;
}

}  // namespace bertq::pipeline
