// Fine-tuning a BERT sequence classifier (public API, no libtorch types: the CLI and other
// code include this header only).
//
// What train() does: loads the model folder (config.json + vocab.txt, and model.safetensors
// when present; without it the weights are initialised at random from the seed, i.e. training
// from scratch), tokenizes the data, and runs AdamW (decoupled weight decay, none on biases and
// LayerNorm weights) with linear warmup + linear decay, gradient clipping and accumulation, on
// length-grouped batches padded to their longest text; optionally under bf16 autocast.
// It evaluates every epoch and every `eval_every` steps, keeps OUT/best (best by `metric`) and
// OUT/last (Hugging Face folders), checkpoints to OUT/checkpoint every `save_every` steps and on
// SIGINT / SIGTERM, logs every value to OUT/metrics.jsonl and plots OUT/curves.svg.
// `resume` continues from OUT/checkpoint exactly (same batches, RNG states and optimizer state).
//
//   train::TrainOptions o;
//   o.model_dir = "models/small";  o.train_path = "imdb/train.jsonl.gz";
//   o.eval_path = "imdb/test.jsonl.gz";  o.out_dir = "runs/r1";
//   train::TrainResult r = train::train(o);   // r.best.accuracy
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "train/metrics.h"

namespace bertq::train {

struct TrainOptions {
  // train_path / eval_path are data::load_dataset specs: a .jsonl/.csv/.tsv file (plain or
  // .gz), an aclImdb folder, "imdb:train", ... Labels are mapped through the model's id2label.
  std::string model_dir, train_path, eval_path, out_dir;
  double validation_split = 0;  // used when eval_path is empty (0 = no evaluation)
  int epochs = 3;
  double lr = 2e-5;
  int batch_size = 32;
  int grad_accum = 1;
  int max_length = 256;
  std::string truncation = "head";  // head | tail | head+tail
  int head_tokens = 0;              // head+tail: tokens kept from the start; 0 = a quarter of the budget
  bool skip_bad_rows = false;       // --on-bad-row skip: count malformed rows instead of failing
  double warmup_ratio = 0.1;
  double weight_decay = 0.01;
  double max_grad_norm = 1.0;       // <= 0: no clipping
  std::optional<double> dropout;    // overrides hidden / attention / classifier dropout
  bool bf16 = false;
  uint64_t seed = 42;
  int threads = 0;                  // 0 = all cores
  std::string device = "auto";      // auto | cpu | cuda | cuda:N (train/torch_runtime.h)
  int64_t eval_every = 0;           // steps; 0 = only at the end of each epoch
  int64_t save_every = 0;           // steps; 0 = 500
  int early_stopping = 0;           // evaluations without improvement; 0 = off
  bool resume = false;
  std::string metric = "accuracy";  // accuracy | f1 | loss
  size_t train_limit = 0, eval_limit = 0;  // 0 = all; else a stratified sample chosen by seed
  int64_t log_every = 10;           // steps between train lines in metrics.jsonl
  int64_t stop_at_step = 0;         // > 0: behave as if interrupted after this step (tests)
  bool progress = true;
  bool write_last = true;           // write OUT/last at the end
};

struct TrainResult {
  int64_t steps = 0, total_steps = 0;
  bool interrupted = false;
  bool early_stopped = false;
  double wall_s = 0;
  double tokens_per_s = 0;
  std::vector<std::pair<int64_t, double>> train_losses;  // (step, mean loss since last log)
  EvalMetrics last_eval, best_eval;
  int64_t best_step = -1;
};

TrainResult train(const TrainOptions& options);

// Options as JSON (stored in checkpoints; resume refuses different data or shapes).
std::string options_to_json(const TrainOptions& o);

}  // namespace bertq::train
