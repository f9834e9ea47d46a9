// `bertq train`: fine-tunes a BERT sequence classifier (src/train/trainer.h) and prints the
// result. Compiled only when libtorch is available (bertq_train exists).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "cli/train/loop_flags.h"
#include "cli/trainer_commands.h"
#include "core/progress.h"
#include "train/dist/launch.h"
#include "train/trainer.h"

namespace bertq::cli {
namespace {

void run_train(const train::TrainOptions& o) {
  const train::TrainResult r = train::train(o);
  if (!r.writer) return;  // rank 0 prints the summary of a data-parallel run
  std::printf("%s after %lld of %lld steps in %s (%.0f tokens/s at the end)\n", stop_reason(r),
              static_cast<long long>(r.steps), static_cast<long long>(r.total_steps),
              format_duration(r.wall_s).c_str(), r.tokens_per_s);
  if (r.last_eval.examples > 0)
    std::printf("last eval: loss %.4f accuracy %.4f macro-F1 %.4f on %lld examples\n",
                r.last_eval.loss, r.last_eval.accuracy, r.last_eval.macro_f1,
                static_cast<long long>(r.last_eval.examples));
  if (r.best_step >= 0) {
    std::printf("best model (step %lld): %s/best", static_cast<long long>(r.best_step),
                o.out_dir.c_str());
    if (r.best_eval.examples > 0)
      std::printf(" (accuracy %.4f macro-F1 %.4f loss %.4f)", r.best_eval.accuracy,
                  r.best_eval.macro_f1, r.best_eval.loss);
    std::printf("\n");
  }
  if (!r.interrupted) std::printf("last model: %s/last\n", o.out_dir.c_str());
  std::printf("metrics: %s/metrics.jsonl, plot: %s/curves.svg\n", o.out_dir.c_str(),
              o.out_dir.c_str());
}

Command reg(kTrainCommand.name, kTrainCommand.order, [](CLI::App& app) {
  auto o = std::make_shared<train::TrainOptions>();
  auto* cmd = add_trainer_subcommand(app, kTrainCommand);
  add_model_option(
      cmd, "--model", o->model_dir,
      "Model (config.json, vocab.txt, model.safetensors; without weights: from scratch)")
      ->required()
      ->group("Data");
  cmd->add_option(
         "--train", o->train_path,
         "Training data: .jsonl/.csv/.tsv (plain or .gz), an aclImdb folder, imdb:train, ...")
      ->required()
      ->group("Data");
  cmd->add_option("--eval", o->eval_path, "Evaluation data (same forms, e.g. imdb:test)")
      ->group("Data");
  cmd->add_option("--validation-split", o->validation_split,
                  "Hold out this fraction of --train for evaluation (stratified)")
      ->group("Data");
  cmd->add_option("--out", o->out_dir,
                  "Run folder: best/, last/, checkpoint/, metrics.jsonl, curves.svg")
      ->required()
      ->group("Data");
  auto tokenization = std::make_shared<TokenizationFlags>();
  tokenization->add(cmd, "Data", o->recipe, TokenizationFlags::TRAIN);
  cmd->add_option("--limit,--train-limit", o->train_limit,
                  "Use this many training examples, a stratified sample chosen by --seed (0 = all)")
      ->group("Data");
  cmd->add_option("--eval-limit", o->eval_limit,
                  "Use this many evaluation examples, stratified (0 = all)")
      ->group("Data");
  cmd->add_option_function<std::string>(
         "--labels", [o](const std::string& v) { o->labels = split_labels(v); },
         "Comma-separated label names of the classifier (id order), e.g. NEGATIVE,POSITIVE: a "
         "head for other labels is drawn anew (default: the checkpoint's labels; LABEL_0, ... "
         "for a base checkpoint without them)")
      ->group("Data");
  add_on_bad_row(
      cmd,
      [o](data::ReadOptions::OnBadRow v) {
        o->skip_bad_rows = v == data::ReadOptions::OnBadRow::SKIP;
      },
      "Data");
  cmd->add_flag("--bf16", o->bf16, "bf16 autocast on CPU (fast only with AVX512_BF16 / AMX)")
      ->group("Optimisation");
  add_loop_flags(cmd, *o, {"Optimisation", "Run"});
  add_process_flags(cmd, *o, "Run");
  auto nproc = std::make_shared<int>(0);
  add_rank_flags(cmd, *o, *nproc, "Ranks");
  cmd->callback([o, nproc, tokenization] {
    o->recipe = tokenization->recipe(o->recipe);
    *nproc > 0 ? train::run_local_ranks(*nproc, *o) : run_train(*o);
  });
});

}  // namespace
}  // namespace bertq::cli
