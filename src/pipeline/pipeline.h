// The end-to-end job behind `bertq pipeline`: every stage of a run, in order, each resumable
// and skipped when its output is already complete (see stage_store.h):
//
//   data       resolve (download if allowed) the model and the dataset; write
//              RUN/data/{train,test}.jsonl and RUN/base/ (the model with the dataset's labels)
//   train      train::train -> RUN/train/ (checkpoints, metrics, curves) and RUN/model-fp32/
//              (interrupted: rerunning resumes from RUN/train/checkpoint)
//   eval_fp32  eval::evaluate over the test set -> RUN/eval/fp32.json (every figure, the
//              tokenization used, the predicted ids) and RUN/eval/fp32.predictions.jsonl
//   quantize   the INT8 quantizer -> RUN/model-int8/ (the folder `bertq serve` takes)
//   eval_int8  the same evaluation of RUN/model-int8 -> RUN/eval/int8.json, agreement with FP32
//   bench      benchmark::run_bench: FP32 and INT8 interleaved on the same test texts, threads and
//              batch sizes (latency per batch, tokenizer, throughput bucketed vs padded,
//              memory) -> RUN/bench.json, RUN/bench.md, RUN/plots/latency.svg
//   report     RUN/report.md, RUN/report.json, RUN/plots/*.svg; the final table
// Evaluation and benchmark tokenize as the model was trained: the "bertq" block of
// RUN/model-fp32/config.json written by the trainer (io/bert_config.h), which equals the
// --max-length / --truncation / --head-tokens given here.
//
//   pipeline::PipelineOptions o;  o.model = "bert-base-uncased";  o.data = "imdb";
//   o.out = "runs/imdb";  o.train.epochs = 2;
//   pipeline::PipelineResult r = pipeline::run_pipeline(o);
//   std::puts(r.table.c_str());
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "text/tokenization_recipe.h"
#include "train/loop_options.h"

namespace bertq::pipeline {

// Stage names, in order.
const std::vector<std::string>& stage_names();

// The train stage's settings: the training loop's (train/loop_options.h) with the pipeline's
// defaults (2 epochs, lr 5e-5, a train line every 20 steps), and the data / model ones.
// PipelineOptions' seed, threads and progress are the run's: they replace the loop's.
struct PipelineTrainOptions : train::LoopOptions {
  PipelineTrainOptions() {
    epochs = 2;
    lr = 5e-5;
    log_every = 20;
  }
  // Training's tokenization (train::TrainOptions::recipe), which eval and bench then read from
  // the trained model's config.json. head_tokens 0: a quarter of the content budget.
  text::TokenizationRecipe recipe{256, text::Truncation::HEAD_TAIL, 0};
  double validation_split = 0.1;  // of the train split, for choosing the best checkpoint
  bool bf16 = false;
};

struct PipelineQuantOptions {      // forwarded to the quantizer
  std::string scheme = "dynamic";  // dynamic | static (see quant/quantizer.h)
  size_t calibration_size = 256;   // train examples used for activation ranges (static)
};

struct PipelineBenchOptions {  // forwarded to benchmark::run_bench (see benchmark/bench.h)
  size_t texts = 64;           // first N test texts, the same for both models
  std::vector<int> batch_sizes = {1, 8};  // latency per batch; throughput at the largest
  int repeats = 3;                        // timed runs at least per model and workload (median)
  int threads = 0;                        // 0 = default_num_threads()
};

struct PipelineOptions {
  std::string model = "bert-base-uncased";  // a model folder or a hub name (cache / download)
  std::string data = "imdb";                // a dataset spec (see docs/data.md)
  std::string out;                          // RUN folder
  bool download = true;                     // fetch a missing model / IMDB
  size_t train_limit = 0, test_limit = 0;   // stratified subsets; 0 = all
  uint64_t seed = 42;
  int threads = 0;  // training and evaluation threads; 0 = all
  int eval_batch_size = 32;
  PipelineTrainOptions train;
  PipelineQuantOptions quant;
  PipelineBenchOptions bench;
  std::string stop_after;  // stop (successfully) after this stage; "" = run all
  bool progress = true;
};

struct StageOutcome {
  std::string stage;
  bool skipped = false;  // its done-marker was complete
  double wall_s = 0;
  nlohmann::json result;  // the marker's "result"
};

struct PipelineResult {
  std::vector<StageOutcome> stages;  // in order, up to the last stage run
  bool stopped_early = false;        // stop_after ended the run
  std::string run_dir;
  std::string table;  // the final FP32 vs INT8 table (after report)
  const StageOutcome* find(const std::string& stage) const;
};

// Runs (or resumes) every stage. Errors carry the stage: "stage train: ...". A stage whose
// library is not built (train without libtorch) throws
// UNSUPPORTED "stage X: needs ..."; the completed stages before it are kept.
// `on_stage(name, skipped)` is called as each stage starts (for progress lines).
PipelineResult run_pipeline(const PipelineOptions& options,
                            const std::function<void(const StageOutcome&)>& on_stage = {});

// The predicted label ids (test-set order) an eval stage recorded in RUN/eval/NAME.json.
// CORRUPT_FILE naming the file when it has none.
std::vector<int> load_predicted_ids(const std::string& eval_json_path);

}  // namespace bertq::pipeline
