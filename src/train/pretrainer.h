// Masked-LM pre-training of a BERT (public API, no libtorch types: the CLI includes this).
//
// What pretrain() does: loads the model folder (config.json + vocab.txt; model.safetensors
// when present — bert.* from it, cls.* too if there, the rest initialised from the seed; without
// it every weight is initialised at random, HF init), reads the texts of every --data spec
// (labels ignored), tokenizes them whole and packs each into [CLS] window [SEP] sequences of
// at most max_length tokens (mlm_data.h), then trains HF BertForMaskedLM (bert_mlm.h) on
// BERT-masked batches (masking.h: 15% of non-special tokens; 80% [MASK], 10% random, 10% kept;
// loss on those only) with the trainer's machinery: AdamW (no decay on biases / LayerNorm),
// the linear warmup + decay schedule, gradient clipping and accumulation, length-grouped
// batches, checkpoints on --save-every / SIGINT / SIGTERM and exact --resume, early stopping,
// --max-steps / --max-minutes, metrics.jsonl and curves.svg (the loop is train/loop.h).
// Writes OUT/last, a Hugging Face BertForMaskedLM folder that `bertq train --model OUT/last`
// fine-tunes (cls.* ignored; pooler and classifier initialised from the fine-tuning seed).
//
//   train::PretrainOptions o;
//   o.model_dir = "models/small";  o.data = {"imdb:unsup", "imdb:train"};  o.out_dir = "runs/mlm";
//   o.max_steps = 1000;
//   train::PretrainResult r = train::pretrain(o);   // r.train_losses, r.last_eval.loss
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "train/loop_options.h"

namespace bertq::train {

// The loop's settings are LoopOptions' (train/loop_options.h), with pre-training defaults:
// 1 epoch, lr 5e-4, warmup 0.06. Early stopping follows the held-out masked-LM `metric`:
// loss (default) or accuracy (there is no OUT/best; OUT/last is the model where it stopped).
struct PretrainOptions : LoopOptions {
  PretrainOptions() {
    epochs = 1;
    lr = 5e-4;
    warmup_ratio = 0.06;
    metric = "loss";
  }
  std::string model_dir, out_dir;
  std::vector<std::string> data;  // data::load_dataset specs: imdb:unsup, FILE.jsonl.gz, ...
  int max_length = 128;           // tokens per sequence, [CLS] and [SEP] included
  int min_tokens = 8;             // shortest tail window kept (see mlm_data.h)
  double mlm_prob = 0.15;
  size_t limit = 0;  // texts kept per spec (0 = all; else chosen by seed)
  bool skip_bad_rows = false;
  double validation_split = 0;  // fraction of sequences held out for the masked-LM eval loss
};

struct MlmEval {
  double loss = 0, accuracy = 0;  // mean cross-entropy / argmax accuracy over chosen tokens
  int64_t tokens = 0;             // chosen (masked) tokens evaluated
};

// LoopResult (best_eval: loss, accuracy, examples = masked tokens) and the corpus sizes.
struct PretrainResult : LoopResult {
  size_t sequences = 0, eval_sequences = 0;
  MlmEval last_eval;
};

PretrainResult pretrain(const PretrainOptions& options);

// The options a resumed run must share with the run it continues (JSON).
std::string pretrain_options_to_json(const PretrainOptions& o);

}  // namespace bertq::train
