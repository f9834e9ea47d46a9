// The one training loop of the classifier trainer and the masked-LM pre-trainer (internal
// header, includes libtorch). The caller builds the model (on its device) and passes its own
// micro-batch collation, loss and evaluation; run_loop does everything else:
//
//   AdamW (decay off for biases / LayerNorm) -> plan_steps (epochs, max_steps) -> per step:
//   grad_accum length-grouped micro-batches, forward / backward, clipping, the linear warmup +
//   decay schedule -> evaluation every eval_every steps and at each epoch's end, best-tracking
//   by `metric` and early stopping -> checkpoints (every save_every steps, at epoch ends, on
//   stop, SIGINT / SIGTERM) and exact resume -> train / eval lines in OUT/metrics.jsonl, the
//   progress bar, OUT/curves.svg; max_steps ends the schedule, max_minutes stops on time.
//
// Gradient accumulation: a step's loss is the mean over every unit (example for the classifier,
// chosen token for the masked LM) of its micro-batches, each counted once, as one large batch
// would give: micro-batch k, with mean loss L_k over its n_k units, is backpropagated as
// L_k · n_k / Σn. (A plain L_k / grad_accum would over-weight the examples of a short last
// batch, and for the masked LM those of a micro-batch with few masked tokens.)
//
//   LoopTask task{.name = "train", .out_dir = dir, .options_json = options_to_json(o),
//                 .lengths = &lengths, .model = model.ptr().get()};
//   task.collate = ...;  task.loss = ...;  task.evaluate = ...;
//   LoopResult r = run_loop(o, task, t_start);
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "train/dist/process_group.h"
#include "train/loop_options.h"

namespace bertq::train {

// One micro-batch, all tensors [B,T] (labels [B] for the classifier) on the model's device.
// units: what its mean loss averages over (examples, or chosen tokens for the masked LM);
// tokens: non-padding tokens (throughput).
struct MicroBatch {
  torch::Tensor ids, types, mask, labels;
  int64_t tokens = 0, units = 0;
};

// Rows idx of `rows` padded to the longest with `pad` (mask 0 there, token types 0), on the
// CPU; units = the number of rows, labels left empty.
MicroBatch pad_rows(const std::vector<std::vector<int32_t>>& rows, const std::vector<size_t>& idx,
                    int32_t pad);
// Moves the tensors to `dev` (no-op on the CPU).
void to_device(MicroBatch& b, const c10::Device& dev);

struct MicroLoss {
  torch::Tensor loss;    // scalar, the mean over the batch's units, with its graph
  int64_t correct = -1;  // units predicted right; -1 when the task does not count them
};

struct LoopEval {
  EvalMetrics metrics;    // scored by LoopOptions::metric (loss: lower is better)
  nlohmann::json fields;  // the figures of the metrics.jsonl eval line
  std::string summary;    // logged after "eval step N: "
};

// Every member has a default ("= {}"), so a designated initializer may name only some.
struct LoopTask {
  using Collate =
      std::function<MicroBatch(const std::vector<size_t>& idx, int64_t epoch, int64_t batch)>;
  std::string name = {};                      // progress bar label
  std::string out_dir = {};                   // checkpoint/, metrics.jsonl, curves.svg
  std::string options_json = {};              // the run's options (see options_json_matches)
  const std::vector<int>* lengths = nullptr;  // token counts of the training items
  torch::nn::Module* model = nullptr;         // what the optimizer trains and checkpoints hold
  // Micro-batch `batch` (the items idx) of `epoch`, on the model's device.
  Collate collate = {};
  // Forward pass in training mode.
  std::function<MicroLoss(const MicroBatch&)> loss = {};
  // nullopt: nothing to evaluate (no evaluation data).
  std::function<std::optional<LoopEval>()> evaluate = {};
  std::function<void()> on_best = {};    // optional: a new best evaluation (trainer: OUT/best)
  std::function<void()> save_last = {};  // optional: the run ended without interruption (OUT/last)
  std::string accuracy_field = {};       // train lines: correct / units under this key ("" = none)
  // The ranks of a data-parallel run (nullptr: one process): each takes its slice of every
  // step's batches (dist/shard.h), gradients and step figures are summed over the ranks, and
  // rank 0 alone writes (checkpoint, metrics, best / last through on_best / save_last).
  // `evaluate` must then evaluate its share (train/dist/process_group.h `evaluates`) and sum the
  // figures.
  DistGroup* group = nullptr;
};

// Checks the settings (INVALID_ARGUMENT naming the flag); `metrics`: the values `metric` may take.
void validate_loop_options(const LoopOptions& o, const std::vector<std::string>& metrics);
// Adds the trajectory settings (epochs ... seed) to a run's options JSON.
void add_loop_options_json(nlohmann::json& j, const LoopOptions& o);

// Runs (or, with o.resume, continues) the loop; `t_start`: when the run began (max_minutes and
// elapsed_s count from there).
LoopResult run_loop(const LoopOptions& o, const LoopTask& task,
                    std::chrono::steady_clock::time_point t_start);

}  // namespace bertq::train
