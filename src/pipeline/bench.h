// A fair side-by-side latency / throughput benchmark of model folders (FP32 vs INT8): the same
// texts, the same threads, the same batch sizes and max_length, end to end through
// Classifier::predict (tokenization included, as a user sees it). One warm-up pass per model,
// then `repeats` timed passes with the models interleaved in every repeat (so load changes on a
// shared machine hit both alike); the median pass is reported.
//
//   auto rows = bench_models({{"fp32", "runs/r1/model-fp32"}, {"int8", "runs/r1/model-int8"}},
//                            texts, bench_options, /*max_length*/ 256);
//   rows[0].ms_per_text, rows[0].texts_per_s
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "pipeline/pipeline.h"

namespace bertq::pipeline {

struct BenchModel {
  std::string name, dir;
};

struct BenchRow {
  std::string model;
  int batch_size = 1;
  int threads = 1;
  size_t texts = 0;
  double median_s = 0;  // one pass over all texts
  double min_s = 0, max_s = 0;
  double ms_per_text() const { return texts ? 1e3 * median_s / texts : 0; }
  double texts_per_s() const { return median_s > 0 ? texts / median_s : 0; }
  nlohmann::json to_json() const;
};

// Rows ordered by batch size, then model (the order of `models`). Empty texts or no batch
// sizes: INVALID_ARGUMENT.
std::vector<BenchRow> bench_models(const std::vector<BenchModel>& models,
                                   const std::vector<std::string>& texts,
                                   const PipelineBenchOptions& options, int max_length);

}  // namespace bertq::pipeline
