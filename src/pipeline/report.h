// The run's report, from a summary JSON the report stage assembles:
//   {"model", "data", "run_dir",
//    "models": [{"name": "FP32", "dir", "bytes", "accuracy", "macro_f1", "mean_loss",
//                "examples", "agreement"?, "tokenization"?, "eval_markdown"?}, ...],
//    "bench": benchmark::BenchReport::to_json() (workloads with per-model results),
//    "bench_markdown"?: BenchReport::to_markdown(),  "train": {...}}
// Writes RUN/report.md (the table, the tokenization used, per-model metrics with per-class
// P/R/F1 and confusion, the benchmark tables, links to the plots), RUN/report.json (the
// summary) and RUN/plots/{accuracy,throughput}.svg, all atomically.
//
//   std::string table = final_table(summary);     // what the CLI prints at the end
//   write_report("runs/r1", summary);
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bertq::pipeline {

// Markdown table: one row per model with accuracy, macro-F1, size, ms/text at the smallest
// latency batch ("real bN": median ms / N), texts/s of the bucketed throughput pass (at the
// largest batch size), and agreement with the first model.
std::string final_table(const nlohmann::json& summary);

// Returns the paths written (report.md, report.json, plots).
std::vector<std::string> write_report(const std::string& run_dir, const nlohmann::json& summary);

}  // namespace bertq::pipeline
