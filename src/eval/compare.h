// `bertq compare`: an FP32 model against its INT8 version on the same reviews. Evaluates both
// (evaluator.h) on `limit` examples of the dataset (stratified, fixed seed), measures the
// agreement of their predictions, benchmarks both in one interleaved run (bench.h) on
// synthetic lengths and on the first `bench_reviews` of those reviews, and builds:
//   compare.md     the results table (size, accuracy, macro-F1, latency, throughput, memory,
//                  agreement, and the INT8 / FP32 improvement), the machine conditions and
//                  the command, the per-class metrics and the full benchmark tables
//   compare.json   every figure (both evaluations, the benchmark report with raw samples)
//   latency.svg    box plot of per-batch latency per model and workload
//   size_accuracy.svg  model size on disk vs accuracy
//   throughput.svg sequences/s by sequence length, one line per model and batch size
//
//   bertq::eval::CompareOptions o;  o.fp32_dir = "models/imdb";  o.int8_dir = "models/imdb-int8";
//   o.data = "imdb:test";  o.limit = 2000;
//   auto report = bertq::eval::run_compare(o);
//   bertq::eval::write_compare_report(report, "docs/results/imdb-small");
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "benchmark/bench.h"
#include "eval/evaluator.h"

namespace bertq::eval {

struct CompareOptions {
  std::string fp32_dir, int8_dir;
  std::string fp32_name = "FP32", int8_name = "INT8";
  std::string data;     // dataset spec (data/dataset.h)
  size_t limit = 2000;  // examples evaluated (0 = all), stratified with `seed`
  uint64_t seed = 0;
  EvalOptions eval;
  benchmark::BenchOptions bench;  // texts are filled from the evaluated reviews
  size_t bench_reviews = 200;     // reviews for the real-length workloads (0 = none)
  std::string command;            // the command line, recorded in the report
};

struct CompareReport {
  std::vector<std::string> names;  // {fp32_name, int8_name}
  std::vector<std::string> dirs;
  std::vector<EvalResult> evals;  // same order
  double agreement = 0;           // share of examples with the same predicted class
  int64_t disagreements = 0;
  benchmark::BenchReport bench;
  std::string data, command;
  size_t examples = 0;

  nlohmann::json to_json() const;
  std::string to_markdown() const;
};

CompareReport run_compare(const CompareOptions& options);

// The charts (see above) as SVG documents.
std::string latency_svg(const benchmark::BenchReport& bench);
std::string size_accuracy_svg(const CompareReport& report);
std::string throughput_svg(const benchmark::BenchReport& bench);

// Writes compare.md, compare.json and the three SVG files into `dir` (created if needed), each
// atomically; returns the paths written.
std::vector<std::string> write_compare_report(const CompareReport& report, const std::string& dir);

}  // namespace bertq::eval
