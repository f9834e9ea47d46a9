// The settings and the result of the training loop (train/loop.h) that the classifier trainer
// (trainer.h), the masked-LM pre-trainer (pretrainer.h) and the pipeline's train stage
// (pipeline/pipeline.h) share. No libtorch types: the CLI and the pipeline include this header.
//
// TrainOptions, PretrainOptions and PipelineTrainOptions derive from LoopOptions, so each
// setting has one field, one validation and one command-line flag (cli/train/loop_flags.h);
// a derived struct only sets other defaults in its constructor (pre-training: 1 epoch,
// lr 5e-4, warmup 0.06, metric loss).
//
//   train::TrainOptions o;  o.lr = 1e-4;  o.max_steps = 500;  o.early_stopping = 3;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "train/metrics.h"

namespace bertq::train {

struct LoopOptions {
  // Optimisation: these define the run's trajectory (stored in checkpoints; --resume refuses
  // other values).
  int epochs = 3;
  int64_t max_steps = 0;  // > 0: at most this many updates (the schedule ends there)
  double lr = 2e-5;       // peak of the linear warmup + decay schedule
  int batch_size = 32;    // examples (sequences) per micro-batch
  int grad_accum = 1;     // micro-batches per optimizer step
  double warmup_ratio = 0.1;
  double weight_decay = 0.01;     // AdamW, not on biases / LayerNorm weights
  double max_grad_norm = 1.0;     // <= 0: no clipping
  std::optional<double> dropout;  // overrides the model's dropout probabilities
  uint64_t seed = 42;             // initialisation, batch order, masking, dropout
  // When to stop, evaluate, save and log (a resumed run may change them).
  double max_minutes = 0;  // > 0: stop (checkpoint + OUT/last) once the run took this long
  int64_t eval_every = 0;  // steps; 0 = at the end of each epoch (and of the run) only
  int64_t save_every = 0;  // steps; 0 = 500
  int64_t log_every = 10;  // steps between train lines in metrics.jsonl
  int early_stopping = 0;  // stop after N evaluations without improvement; 0 = off
  std::string metric =
      "accuracy";  // the evaluation figure that is improved: accuracy | macro_f1 | loss
  // The process.
  int threads = 0;              // 0 = all cores
  std::string device = "auto";  // auto | cpu | cuda | cuda:N (train/torch_runtime.h)
  bool resume = false;          // continue OUT/checkpoint exactly
  int64_t stop_at_step = 0;     // > 0: behave as if interrupted after this step (tests)
  bool progress = true;
  // Data parallelism (train/dist/rendezvous.h): 0 / -1 / "" = torchrun's environment
  // (WORLD_SIZE, RANK, MASTER_ADDR + MASTER_PORT), and without it one process.
  int world_size = 0;
  int rank = -1;
  std::string master;           // HOST:PORT of rank 0's rendezvous store
  double dist_timeout_s = 300;  // rendezvous and each collective (a lost rank is seen sooner)
};

struct LoopResult {
  int64_t steps = 0, total_steps = 0;
  bool interrupted = false;    // SIGINT / SIGTERM or stop_at_step: checkpoint written, no OUT/last
  bool early_stopped = false;  // early_stopping evaluations without improvement
  bool time_limit = false;     // max_minutes reached before the last step
  double wall_s = 0, tokens_per_s = 0;
  std::vector<std::pair<int64_t, double>> train_losses;  // (step, mean loss since last log)
  EvalMetrics best_eval;  // the best evaluation by `metric` (restored on resume)
  int64_t best_step = -1;
  bool writer = true;  // one process, or rank 0 of several: it writes and prints the summary
};

}  // namespace bertq::train
