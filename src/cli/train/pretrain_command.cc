// `bertq pretrain`: masked-LM pre-training of a BERT (src/train/pretrainer.h) and a summary.
// Compiled only when libtorch is available (bertq_train exists).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cli/model_option.h"
#include "cli/train/loop_flags.h"
#include "cli/trainer_commands.h"
#include "core/progress.h"
#include "train/dist/launch.h"
#include "train/pretrainer.h"

namespace bertq::cli {
namespace {

void run_pretrain(const train::PretrainOptions& o) {
  const train::PretrainResult r = train::pretrain(o);
  if (!r.writer) return;  // rank 0 prints the summary of a data-parallel run
  std::printf("%s after %lld of %lld steps in %s on %zu sequences (%.0f tokens/s at the end)\n",
              stop_reason(r), static_cast<long long>(r.steps),
              static_cast<long long>(r.total_steps), format_duration(r.wall_s).c_str(), r.sequences,
              r.tokens_per_s);
  if (!r.train_losses.empty())
    std::printf("masked-LM train loss: %.4f (step %lld) -> %.4f (step %lld)\n",
                r.train_losses.front().second, static_cast<long long>(r.train_losses.front().first),
                r.train_losses.back().second, static_cast<long long>(r.train_losses.back().first));
  if (r.last_eval.tokens > 0)
    std::printf(
        "held-out masked-LM loss %.4f, accuracy %.4f on %lld masked tokens (%zu sequences)\n",
        r.last_eval.loss, r.last_eval.accuracy, static_cast<long long>(r.last_eval.tokens),
        r.eval_sequences);
  if (!r.interrupted)
    std::printf("model: %s/last (BertForMaskedLM; fine-tune with bertq train --model %s/last)\n",
                o.out_dir.c_str(), o.out_dir.c_str());
  std::printf("metrics: %s/metrics.jsonl, plot: %s/curves.svg\n", o.out_dir.c_str(),
              o.out_dir.c_str());
}

Command reg(kPretrainCommand.name, kPretrainCommand.order, [](CLI::App& app) {
  auto o = std::make_shared<train::PretrainOptions>();
  auto* cmd = add_trainer_subcommand(app, kPretrainCommand);
  add_model_option(cmd, "--model", o->model_dir,
                   "Model to start from (config.json, vocab.txt; model.safetensors optional: "
                   "without it, from scratch)")
      ->required()
      ->group("Data");
  cmd->add_option("--data", o->data,
                  "Text: dataset specs (labels ignored): imdb:unsup, imdb:train, FILE.jsonl.gz, "
                  "... (repeatable)")
      ->required()
      ->group("Data");
  cmd->add_option("--out", o->out_dir, "Run folder: last/, checkpoint/, metrics.jsonl, curves.svg")
      ->required()
      ->group("Data");
  cmd->add_option("--max-length", o->max_length,
                  "Tokens per packed sequence, [CLS] and [SEP] included")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--min-tokens", o->min_tokens, "Shortest tail window of a text that is kept")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--mlm-prob", o->mlm_prob,
                  "Fraction of tokens chosen for prediction (80% [MASK], 10% random, 10% kept)")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--limit", o->limit, "Texts kept from each --data, chosen by --seed (0 = all)")
      ->group("Data");
  cmd->add_option("--validation-split", o->validation_split,
                  "Hold out this fraction of sequences for the masked-LM eval loss")
      ->group("Data");
  add_on_bad_row(
      cmd,
      [o](data::ReadOptions::OnBadRow v) {
        o->skip_bad_rows = v == data::ReadOptions::OnBadRow::SKIP;
      },
      "Data");
  add_loop_flags(cmd, *o, {"Optimisation", "Run"});
  add_process_flags(cmd, *o, "Run");
  auto nproc = std::make_shared<int>(0);
  add_rank_flags(cmd, *o, *nproc, "Ranks");
  cmd->callback([o, nproc] { *nproc > 0 ? train::run_local_ranks(*nproc, *o) : run_pretrain(*o); });
});

}  // namespace
}  // namespace bertq::cli
