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
// batches, checkpoints on --save-every / SIGINT / SIGTERM and exact --resume, metrics.jsonl
// and curves.svg. Writes OUT/last, a Hugging Face BertForMaskedLM folder that
// `bertq train --model OUT/last` fine-tunes (cls.* ignored; pooler and classifier
// initialised from the fine-tuning seed).
//
//   train::PretrainOptions o;
//   o.model_dir = "models/small";  o.data = {"imdb:unsup", "imdb:train"};  o.out_dir = "runs/mlm";
//   o.max_steps = 1000;
//   train::PretrainResult r = train::pretrain(o);   // r.train_losses, r.last_eval.loss
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bertq::train {

struct PretrainOptions {
  std::string model_dir, out_dir;
  std::vector<std::string> data;  // data::load_dataset specs: imdb:unsup, FILE.jsonl.gz, ...
  int max_length = 128;           // tokens per sequence, [CLS] and [SEP] included
  int min_tokens = 8;             // shortest tail window kept (see mlm_data.h)
  double mlm_prob = 0.15;
  size_t limit = 0;               // texts kept per spec (0 = all; else chosen by seed)
  bool skip_bad_rows = false;
  double validation_split = 0;    // fraction of sequences held out for the masked-LM eval loss
  int epochs = 1;
  int64_t max_steps = 0;          // > 0: at most this many updates (the schedule ends there)
  double max_minutes = 0;         // > 0: stop (checkpoint + OUT/last) once the run took this long
  double lr = 5e-4;
  int batch_size = 32;
  int grad_accum = 1;
  double warmup_ratio = 0.06;
  double weight_decay = 0.01;
  double max_grad_norm = 1.0;     // <= 0: no clipping
  std::optional<double> dropout;  // overrides hidden / attention dropout
  uint64_t seed = 42;
  int threads = 0;                // 0 = all cores
  std::string device = "auto";    // auto | cpu | cuda | cuda:N (train/torch_runtime.h)
  int64_t eval_every = 0;         // steps; 0 = only at the end (needs validation_split > 0)
  int64_t save_every = 0;         // steps; 0 = 500
  int64_t log_every = 10;
  bool resume = false;
  int64_t stop_at_step = 0;       // > 0: behave as if interrupted after this step (tests)
  bool progress = true;
};

struct MlmEval {
  double loss = 0, accuracy = 0;  // mean cross-entropy / argmax accuracy over chosen tokens
  int64_t tokens = 0;             // chosen (masked) tokens evaluated
};

struct PretrainResult {
  int64_t steps = 0, total_steps = 0;
  bool interrupted = false, time_limit = false;
  double wall_s = 0, tokens_per_s = 0;
  size_t sequences = 0, eval_sequences = 0;
  std::vector<std::pair<int64_t, double>> train_losses;  // (step, mean loss since last log)
  MlmEval last_eval;
};

PretrainResult pretrain(const PretrainOptions& options);

// The options a resumed run must share with the run it continues (JSON).
std::string pretrain_options_to_json(const PretrainOptions& o);

}  // namespace bertq::train
