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
// SIGINT / SIGTERM, logs every value to OUT/metrics.jsonl and plots OUT/curves.svg; it stops
// early after `early_stopping` evaluations without improvement, at `max_steps` or `max_minutes`.
// `resume` continues from OUT/checkpoint exactly (same batches, RNG states and optimizer state).
// The loop itself is train/loop.h, shared with the masked-LM pre-trainer.
//
//   train::TrainOptions o;
//   o.model_dir = "models/small";  o.train_path = "imdb/train.jsonl.gz";
//   o.eval_path = "imdb/test.jsonl.gz";  o.out_dir = "runs/r1";
//   train::TrainResult r = train::train(o);   // r.best_eval.accuracy
#pragma once

#include <cstdint>
#include <string>

#include "text/tokenization_recipe.h"
#include "train/loop_options.h"
#include "train/metrics.h"

namespace bertq::train {

// The loop's settings (epochs, lr, batch size, ..., early stopping, max steps / minutes,
// resume) are LoopOptions' (train/loop_options.h); the rest is the classification data.
struct TrainOptions : LoopOptions {
  // train_path / eval_path are data::load_dataset specs: a .jsonl/.csv/.tsv file (plain or
  // .gz), an aclImdb folder, "imdb:train", ... Labels are mapped through the model's id2label.
  std::string model_dir, train_path, eval_path, out_dir;
  double validation_split = 0;  // used when eval_path is empty (0 = no evaluation)
  // How texts are tokenized (max_length, truncation, head_tokens: text/tokenization_recipe.h),
  // recorded in the trained model's config.json "bertq" block. head_tokens 0: a quarter of the
  // content budget. Truncation LONGEST_FIRST (text pairs) is refused.
  text::TokenizationRecipe recipe{256, text::Truncation::HEAD, 0};
  bool skip_bad_rows = false;  // --on-bad-row skip: count malformed rows instead of failing
  bool bf16 = false;
  size_t train_limit = 0, eval_limit = 0;  // 0 = all; else a stratified sample chosen by seed
  bool write_last = true;                  // write OUT/last at the end
  // The classifier's label names (id order); empty = the checkpoint's id2label. Other labels
  // than the checkpoint's (names or count) draw the classifier anew (the pooler and encoder
  // are kept); the data's labels are mapped through them.
  std::vector<std::string> labels;
};

// LoopResult (steps, losses, best_eval / best_step by `metric`, ...) and the last evaluation.
struct TrainResult : LoopResult {
  EvalMetrics last_eval;
};

TrainResult train(const TrainOptions& options);

// Options as JSON (stored in checkpoints; resume refuses different data or shapes).
std::string options_to_json(const TrainOptions& o);

}  // namespace bertq::train
