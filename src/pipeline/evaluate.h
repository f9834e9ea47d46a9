// Evaluation of one model folder on a labelled JSON Lines file: Classifier::predict (the
// engine's public API, so FP32 and INT8 folders go through the same code) -> accuracy,
// macro-F1, loss, confusion (eval/metrics.h), plus the predicted label of every example so two
// models can be compared example by example (agreement).
//
//   EvalRun r = evaluate_model("runs/r1/model-fp32", "runs/r1/data/test.jsonl", {256, 32, 0});
//   r.metrics.accuracy;  r.predictions[i];  eval::agreement(r.predictions, other.predictions)
#pragma once

#include <string>
#include <vector>

#include "eval/metrics.h"

namespace bertq::pipeline {

struct EvalRunOptions {
  int max_length = 256;
  int batch_size = 32;
  int threads = 0;  // 0 = default
  std::string truncation = "head+tail";
};

struct EvalRun {
  eval::Metrics metrics;
  std::vector<int> predictions;  // predicted label id per example, in file order
  double wall_s = 0;
};

// Labels in the file are mapped through the model's id2label (an unknown label is an error
// naming it and the example).
EvalRun evaluate_model(const std::string& model_dir, const std::string& data_path,
                       const EvalRunOptions& options);

// Writes {"metrics", "wall_s", "predictions"} to `path` atomically.
void save_eval(const std::string& path, const EvalRun& run);
// Reads what save_eval wrote (predictions and the metrics JSON).
EvalRun load_eval(const std::string& path);

}  // namespace bertq::pipeline
