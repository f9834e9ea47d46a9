// The command-line flags of the training loop's settings (train/loop_options.h), one set for
// `bertq train`, `bertq pretrain` and `bertq pipeline`. Header-only (it needs no libtorch):
// cli/pipeline/pipeline.cc is built without libtorch too. Defaults shown in --help are those of the
// struct given (each command's own).
//
//   auto o = std::make_shared<train::TrainOptions>();
//   add_loop_flags(cmd, *o, {"Optimisation", "Run"});  // --epochs ... --metric
//   add_process_flags(cmd, *o, "Run");                 // --seed --threads --device --resume
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "train/loop_options.h"

namespace bertq::cli {

struct LoopFlagGroups {
  std::string optimisation, run;  // --help groups of the two kinds of flags
};

// Optimisation (--epochs --max-steps --lr --batch-size --grad-accum --warmup-ratio
// --weight-decay --max-grad-norm --dropout) and when to stop, evaluate, save and log
// (--max-minutes --eval-every --save-every --log-every --early-stopping --metric).
// `o` must outlive the app (the commands keep it in a shared_ptr their callback holds).
inline void add_loop_flags(CLI::App* cmd, train::LoopOptions& o, const LoopFlagGroups& g) {
  cmd->add_option("--epochs", o.epochs, "Epochs over the training data")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option("--max-steps", o.max_steps,
                  "At most this many updates; the schedule ends there (0 = epochs)")
      ->group(g.optimisation);
  cmd->add_option("--lr", o.lr, "Peak learning rate")->capture_default_str()->group(g.optimisation);
  cmd->add_option("--batch-size", o.batch_size, "Examples (sequences) per micro-batch")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option("--grad-accum", o.grad_accum,
                  "Micro-batches per optimizer step (each example / masked token weighs the same)")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option("--warmup-ratio", o.warmup_ratio, "Fraction of steps with linear warmup")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option("--weight-decay", o.weight_decay,
                  "AdamW decoupled weight decay (not on biases / LayerNorm)")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option("--max-grad-norm", o.max_grad_norm,
                  "Clip gradients to this global L2 norm (0 = off)")
      ->capture_default_str()
      ->group(g.optimisation);
  cmd->add_option_function<double>(
         "--dropout", [&o](double p) { o.dropout = p; },
         "Dropout of hidden states and attention (and the classifier) (default: from config.json)")
      ->group(g.optimisation);
  cmd->add_option("--max-minutes", o.max_minutes,
                  "Stop (checkpoint + last/) once the run took this long (0 = no limit)")
      ->group(g.run);
  cmd->add_option("--eval-every", o.eval_every,
                  "Also evaluate every N steps (0 = at each epoch's end only)")
      ->group(g.run);
  cmd->add_option("--save-every", o.save_every, "Checkpoint every N steps (default 500)")
      ->group(g.run);
  cmd->add_option("--log-every", o.log_every, "Steps between training lines in metrics.jsonl")
      ->capture_default_str()
      ->group(g.run);
  cmd->add_option("--early-stopping", o.early_stopping,
                  "Stop after N evaluations without improvement of --metric (0 = off)")
      ->group(g.run);
  cmd->add_option("--metric", o.metric,
                  "accuracy | macro_f1 (as bertq eval reports it) | loss (pretrain: loss | "
                  "accuracy, masked tokens): picks best/ "
                  "and drives early stopping")
      ->capture_default_str()
      ->group(g.run);
}

// The process: --seed, --threads, --device, --resume (`bertq pipeline` has its own).
inline void add_process_flags(CLI::App* cmd, train::LoopOptions& o, const std::string& group) {
  cmd->add_option("--seed", o.seed, "Seed for initialisation, shuffling, masking and dropout")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->group(group);
  cmd->add_option("--device", o.device,
                  "auto (a CUDA GPU when libtorch has CUDA and one is visible, else the CPU), cpu, "
                  "cuda or cuda:N")
      ->capture_default_str()
      ->group(group);
  cmd->add_flag("--resume", o.resume, "Continue OUT/checkpoint exactly where it stopped")
      ->group(group);
}

// Data parallelism (train/dist/): --world-size, --rank, --master (torchrun's variables by
// default) and --nproc (`nproc`: start that many local ranks, train/dist/launch.h).
inline void add_rank_flags(CLI::App* cmd, train::LoopOptions& o, int& nproc,
                           const std::string& group) {
  cmd->add_option("--nproc", nproc,
                  "Start N data-parallel ranks on this machine (threads: cores / N each)")
      ->group(group);
  cmd->add_option("--world-size", o.world_size,
                  "Data-parallel ranks in all (default: WORLD_SIZE, else 1)")
      ->group(group);
  cmd->add_option("--rank", o.rank, "This process's rank, 0-based (default: RANK)")->group(group);
  cmd->add_option("--master", o.master,
                  "HOST:PORT of rank 0's rendezvous (default: MASTER_ADDR:MASTER_PORT)")
      ->group(group);
}

// How a run ended, for the summary line.
inline const char* stop_reason(const train::LoopResult& r) {
  if (r.interrupted) return "interrupted";
  if (r.early_stopped) return "early-stopped";
  if (r.time_limit) return "stopped at --max-minutes";
  return "done";
}

}  // namespace bertq::cli
