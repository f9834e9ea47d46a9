// Checkpoints and model folders written by the trainer (internal header, includes libtorch).
//
// RUN/checkpoint/ holds model.safetensors (parameters), optimizer.safetensors (AdamW moments
// "exp_avg.<param>" / "exp_avg_sq.<param>" and the dropout RNG state "rng.torch" as U8) and
// state.json (TrainState: optimizer step, epoch, next batch of the epoch, best metric, ...).
// Folders are written with write_dir_atomic (core/file_util.h) and read through
// find_complete_dir, so a kill -9 at any moment leaves one complete checkpoint.
//
// A model folder (RUN/best, RUN/last) is a Hugging Face folder: model.safetensors,
// config.json with id2label / label2id, and the tokenizer files copied from the source model.
//
//   train::save_checkpoint(run + "/checkpoint", *model, opt, state);
//   if (auto st = train::load_checkpoint(run + "/checkpoint", *model, opt)) resume(*st);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "train/adamw.h"
#include "train/bert_model.h"
#include "train/metrics.h"

namespace bertq::train {

struct TrainState {
  int64_t step = 0;        // optimizer updates done
  int64_t epoch = 0;       // epoch in progress (0-based)
  int64_t next_batch = 0;  // first batch of `epoch` not yet used
  double best_metric = -1e300;
  int64_t best_step = -1;
  EvalMetrics best_eval;  // the evaluation that made RUN/best (restored on resume)
  int64_t evals_without_improvement = 0;
  double elapsed_s = 0;      // training wall time before this process
  uint64_t tokens = 0;       // tokens processed (non-padding)
  std::string options_json;  // the options the run started with (checked on resume)
};

// `model`: the classifier, or any module whose parameters the optimizer holds (the masked-LM
// pre-training model). `rng_states`: every rank's rng_state(), in rank order ({rng_state()} in
// one process): rank 0's is "rng.torch", rank r's "rng.torch.rank<r>", their number the
// metadata "ranks".
void save_checkpoint(const std::string& dir, torch::nn::Module& model, const AdamW& opt,
                     const TrainState& state, const std::vector<torch::Tensor>& rng_states);
// Returns nullopt when there is no checkpoint; throws CORRUPT_FILE on a damaged one (every
// parameter of `model` must be in it). Restores rank `rank`'s RNG state; INVALID_ARGUMENT when
// the checkpoint was written by another number of ranks than `world` (one written before the
// states of all ranks were kept gives its one state to every rank).
std::optional<TrainState> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                          AdamW& opt, int rank = 0, int world = 1);
// This process's dropout RNG state (libtorch's default CPU generator) as U8 bytes.
torch::Tensor rng_state();

// The step budget of a run: `examples` in batches of batch_size, grad_accum batches per
// optimizer step, `epochs` epochs, capped at max_steps when > 0; warmup = ceil(ratio * total),
// as transformers' TrainingArguments.get_warmup_steps.
struct StepPlan {
  int64_t steps_per_epoch = 0, total = 0, warmup = 0;
};
StepPlan plan_steps(size_t examples, int batch_size, int grad_accum, int epochs, int64_t max_steps,
                    double warmup_ratio);

// Whether a checkpoint's options JSON (`stored`) equals the run's (`current`). A key that runs
// gained later counts as the value earlier runs implied when `stored` lacks it, so their
// checkpoints still resume: "max_steps" (absent = 0; the classifier's options before
// the shared loop, train/loop.h).
bool options_json_matches(const std::string& stored, const std::string& current);

// Starts the run in `out_dir` (metrics log emptied; INVALID_ARGUMENT when out_dir/checkpoint
// exists) or, with `resume`, loads out_dir/checkpoint into model and opt (NOT_FOUND when there is
// none; INVALID_ARGUMENT when it was started with other options, see options_json_matches) and cuts
// the metrics log after its step. Returns the state to continue from. mlog nullptr: a rank that
// does not write (train/loop.h), the log is left alone. rank / world: see load_checkpoint.
TrainState start_or_resume(const std::string& out_dir, torch::nn::Module& model, AdamW& opt,
                           const std::string& options_json, bool resume, const MetricsLog* mlog,
                           int rank = 0, int world = 1);

// The starting weights of a run: model_dir/model.safetensors through `load` (it returns the
// tensors the file lacked, left at their random initialisation, which are logged), else a log
// line that `activity` ("training", "pre-training") starts from the random weights of `seed`.
// Then the model moves to `dev`, before the caller builds the optimizer (its moment buffers
// follow the parameters).
void load_start_weights(torch::nn::Module& model, const std::string& model_dir, uint64_t seed,
                        const c10::Device& dev, const std::string& activity,
                        const std::function<std::vector<std::string>(const std::string&)>& load);

// Writes a Hugging Face model folder (atomically, see above). Tokenizer files
// (vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json) are copied from
// `tokenizer_from` when present there.
void save_model_folder(const std::string& dir, BertClassifierImpl& model,
                       const std::string& tokenizer_from);

}  // namespace bertq::train
