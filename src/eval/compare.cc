// FP32 vs INT8 comparison report (see compare.h).
#include "eval/compare.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "core/svg_chart.h"

namespace bertq::eval {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// The workload that stands for "latency" in the summary table: one real review per request
// if measured, else the first synthetic workload.
const benchmark::WorkloadResult* latency_workload(const benchmark::BenchReport& b) {
  for (const auto& w : b.workloads) {
    if (w.workload.kind == benchmark::WorkloadKind::REAL && w.workload.batch_size == 1) return &w;
  }
  for (const auto& w : b.workloads) {
    if (w.workload.kind == benchmark::WorkloadKind::REAL ||
        w.workload.kind == benchmark::WorkloadKind::SYNTHETIC)
      return &w;
  }
  return nullptr;
}

// "Throughput" in the summary: real reviews, bucketed, else the largest synthetic figure.
const benchmark::WorkloadResult* throughput_workload(const benchmark::BenchReport& b) {
  for (const auto& w : b.workloads) {
    if (w.workload.kind == benchmark::WorkloadKind::THROUGHPUT &&
        w.workload.padding == benchmark::Padding::BUCKETED)
      return &w;
  }
  const benchmark::WorkloadResult* best = nullptr;
  for (const auto& w : b.workloads) {
    if (w.workload.kind == benchmark::WorkloadKind::SYNTHETIC &&
        (best == nullptr || w.workload.batch_size > best->workload.batch_size)) {
      best = &w;
    }
  }
  return best;
}

}  // namespace

CompareReport run_compare(const CompareOptions& o) {
  check(!o.fp32_dir.empty() && !o.int8_dir.empty(), ErrorCode::INVALID_ARGUMENT,
        "compare: give both --fp32 DIR and --int8 DIR");
  check(!o.data.empty(), ErrorCode::INVALID_ARGUMENT, "compare: give --data DATA");
  CompareReport r;
  r.names = {o.fp32_name, o.int8_name};
  r.dirs = {o.fp32_dir, o.int8_dir};
  r.data = o.data;
  r.command = o.command;
  const data::Dataset ds = data::load_dataset(o.data, {}, o.limit, o.seed);
  check(!ds.examples.empty(), ErrorCode::INVALID_ARGUMENT, "compare: ", o.data, " has no examples");
  r.examples = ds.examples.size();
  for (size_t m = 0; m < 2; ++m) {
    log_info(
        cat("compare: evaluating ", r.names[m], " (", r.dirs[m], ") on ", r.examples, " examples"));
    engine::EngineOptions eo = o.bench.engine;
    const engine::Classifier clf(r.dirs[m], eo);
    r.evals.push_back(evaluate(clf, ds, o.eval));
  }
  const std::vector<int> a = r.evals[0].predicted_ids(), b = r.evals[1].predicted_ids();
  r.agreement = agreement(a, b);
  for (size_t i = 0; i < a.size(); ++i) r.disagreements += a[i] != b[i];

  benchmark::BenchOptions bo = o.bench;
  bo.recipe = o.eval.recipe;  // the evaluation's recipe
  bo.texts.clear();
  if (o.bench_reviews > 0) {
    // Evenly spaced over the evaluated reviews (the dataset may be sorted by label).
    const size_t n = std::min(o.bench_reviews, ds.examples.size());
    for (size_t k = 0; k < n; ++k) bo.texts.push_back(ds.examples[k * ds.examples.size() / n].text);
  }
  log_info("compare: benchmarking both models, interleaved");
  r.bench = benchmark::run_bench({{o.fp32_name, o.fp32_dir}, {o.int8_name, o.int8_dir}}, bo);
  return r;
}

nlohmann::json CompareReport::to_json() const {
  nlohmann::json j;
  j["data"] = data;
  j["command"] = command;
  j["examples"] = examples;
  j["agreement"] = agreement;
  j["disagreements"] = disagreements;
  j["models"] = nlohmann::json::array();
  for (size_t m = 0; m < names.size(); ++m) {
    nlohmann::json e = evals[m].to_json();
    e["name"] = names[m];
    e["dir"] = dirs[m];
    j["models"].push_back(e);
  }
  j["bench"] = bench.to_json();
  return j;
}

std::string CompareReport::to_markdown() const {
  std::string s = "## FP32 vs INT8\n\n";
  s += cat("Data: `", data, "`, ", examples, " examples (max length ",
           evals[0].options.recipe.max_length, ", ",
           evals[0].options.long_text == LongText::WINDOW
               ? cat("windows, stride ", evals[0].options.stride)
               : cat("truncation ", text::truncation_name(evals[0].options.recipe.truncation),
                     evals[0].options.recipe.truncation == text::Truncation::HEAD_TAIL
                         ? cat(", ", evals[0].options.recipe.head_tokens, " head tokens")
                         : std::string()),
           ").\n\n");
  if (!command.empty()) s += cat("Command: `", command, "`\n\n");
  const benchmark::WorkloadResult* lat = latency_workload(bench);
  const benchmark::WorkloadResult* thr = throughput_workload(bench);
  s += "| model | size MB | accuracy | macro-F1 | latency ms (" +
       (lat ? lat->workload.name : std::string("-")) + ", median / p99) | throughput seq/s (" +
       (thr ? thr->workload.name : std::string("-")) + ") | peak RSS MB | agreement |\n";
  s += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (size_t m = 0; m < names.size(); ++m) {
    const benchmark::BenchModelResult& bm = bench.models[m];
    s += cat("| ", names[m], " | ", fmt("%.1f", double(bm.weights_bytes) / 1e6), " | ",
             fmt("%.4f", evals[m].metrics.accuracy), " | ", fmt("%.4f", evals[m].metrics.macro_f1),
             " | ",
             lat ? fmt("%.2f", lat->stats[m].median_ms) + " / " + fmt("%.2f", lat->stats[m].p99_ms)
                 : std::string("-"),
             " | ", thr ? fmt("%.1f", thr->per_s(m)) : std::string("-"), " | ",
             fmt("%.0f", double(bm.peak_rss_bytes) / 1e6), " | ",
             m == 0 ? std::string("-") : fmt("%.4f", agreement), " |\n");
  }
  if (names.size() == 2) {
    const auto& b0 = bench.models[0];
    const auto& b1 = bench.models[1];
    s += cat(
        "| **INT8 vs FP32** | ",
        fmt("%.2fx smaller", double(b0.weights_bytes) / std::max<double>(1, b1.weights_bytes)),
        " | ", fmt("%+.4f", evals[1].metrics.accuracy - evals[0].metrics.accuracy), " | ",
        fmt("%+.4f", evals[1].metrics.macro_f1 - evals[0].metrics.macro_f1), " | ",
        lat ? fmt("%.2fx faster", lat->stats[0].median_ms / std::max(1e-9, lat->stats[1].median_ms))
            : std::string("-"),
        " | ", thr ? fmt("%.2fx", thr->per_s(1) / std::max(1e-9, thr->per_s(0))) : std::string("-"),
        " | ",
        fmt("%.2fx less", double(b0.peak_rss_bytes) / std::max<double>(1, b1.peak_rss_bytes)),
        " | ", disagreements, " differ |\n");
  }
  s += "\n![latency](latency.svg) ![size vs accuracy](size_accuracy.svg) "
       "![throughput](throughput.svg)\n\n";
  for (size_t m = 0; m < names.size(); ++m) {
    s += cat("### ", names[m], " (`", dirs[m], "`)\n\n", evals[m].to_markdown(), "\n");
  }
  s += "### Benchmark (both models in one interleaved run)\n\n" + bench.to_markdown();
  return s;
}

std::string latency_svg(const benchmark::BenchReport& b) {
  std::vector<std::string> cats, series;
  std::vector<std::vector<BoxStats>> boxes;
  for (const auto& m : b.models) series.push_back(m.name);
  for (const auto& w : b.workloads) {
    if (w.workload.kind != benchmark::WorkloadKind::SYNTHETIC &&
        w.workload.kind != benchmark::WorkloadKind::REAL)
      continue;
    std::vector<BoxStats> row;
    for (const auto& samples : w.seconds) {
      std::vector<double> ms;
      for (double x : samples) ms.push_back(x * 1e3);
      row.push_back(box_stats(ms));
    }
    cats.push_back(w.workload.name);
    boxes.push_back(row);
  }
  check(!cats.empty(), ErrorCode::INVALID_ARGUMENT, "latency plot: no latency workload measured");
  return box_chart({"Latency per batch (box: quartiles, whiskers: min/max)",
                    "workload (s = tokens, b = batch)", "ms per batch"},
                   cats, series, boxes);
}

std::string size_accuracy_svg(const CompareReport& r) {
  std::vector<Series> s;
  for (size_t m = 0; m < r.names.size(); ++m) {
    const double mb = double(r.bench.models[m].weights_bytes) / 1e6;
    const double acc = r.evals[m].metrics.accuracy * 100;
    s.push_back({r.names[m],
                 {mb},
                 {acc},
                 {cat(r.names[m], " ", fmt("%.1f", mb), " MB, ", fmt("%.2f", acc), "%")}});
  }
  return scatter_chart({"Model size vs accuracy", "model.safetensors (MB)", "accuracy (%)"}, s);
}

std::string throughput_svg(const benchmark::BenchReport& b) {
  // One line per (model, batch size) over the synthetic sequence lengths.
  std::map<std::pair<size_t, int>, Series> lines;
  for (const auto& w : b.workloads) {
    if (w.workload.kind != benchmark::WorkloadKind::SYNTHETIC) continue;
    for (size_t m = 0; m < b.models.size(); ++m) {
      Series& s = lines[{m, w.workload.batch_size}];
      s.name = cat(b.models[m].name, " b", w.workload.batch_size);
      s.x.push_back(w.workload.seq_len);
      s.y.push_back(w.per_s(m));
    }
  }
  std::vector<Series> series;
  for (auto& [k, s] : lines) series.push_back(std::move(s));
  check(!series.empty(), ErrorCode::INVALID_ARGUMENT,
        "throughput plot: no synthetic sequence lengths measured (give --seq-len)");
  return line_chart({"Throughput by sequence length", "sequence length (tokens)", "sequences / s"},
                    series);
}

std::vector<std::string> write_compare_report(const CompareReport& r, const std::string& dir) {
  make_dirs(dir);
  std::vector<std::string> written;
  auto put = [&](const std::string& name, const std::string& text) {
    const std::string p = join_path(dir, name);
    write_file_atomic(p, text);
    written.push_back(p);
  };
  put("compare.md", r.to_markdown());
  put("compare.json", r.to_json().dump(2) + "\n");
  put("latency.svg", latency_svg(r.bench));
  put("size_accuracy.svg", size_accuracy_svg(r));
  put("throughput.svg", throughput_svg(r.bench));
  return written;
}

}  // namespace bertq::eval
