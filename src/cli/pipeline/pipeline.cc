// `bertq pipeline`: parses options and runs pipeline::run_pipeline (src/pipeline/pipeline.h):
// data -> train -> eval FP32 -> quantize -> eval INT8 -> bench -> report, each stage skipped
// when its output is complete; prints each stage as it starts and the final table.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/tokenization_flags.h"
#include "cli/train/loop_flags.h"
#include "cli/trainer_commands.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "pipeline/pipeline.h"

namespace bertq::cli {

// Shared with demo.cc: one line per stage as it starts.
void print_stage_line(const pipeline::StageOutcome& s) {
  if (s.skipped)
    std::printf("[%-9s] complete, skipped\n", s.stage.c_str());
  else
    std::printf("[%-9s] running\n", s.stage.c_str());
  std::fflush(stdout);
}

void print_pipeline_end(const pipeline::PipelineResult& r) {
  if (r.stopped_early) {
    std::printf("stopped after stage %s as asked; rerun without --stop-after to continue in %s\n",
                r.stages.back().stage.c_str(), r.run_dir.c_str());
    return;
  }
  std::printf("\n%s\nreport: %s/report.md   INT8 model for `bertq serve`: %s/model-int8\n",
              r.table.c_str(), r.run_dir.c_str(), r.run_dir.c_str());
}

namespace {

Command reg(kPipelineCommand.name, kPipelineCommand.order, [](CLI::App& app) {
  auto o = std::make_shared<pipeline::PipelineOptions>();
  auto* cmd = add_trainer_subcommand(app, kPipelineCommand);
  cmd->add_option("--model", o->model, "Model folder or hub name (downloaded when missing)")
      ->capture_default_str()
      ->group("Input");
  cmd->add_option("--data", o->data,
                  "Dataset: imdb, a folder with train/test splits, or one file (80/20 split)")
      ->capture_default_str()
      ->group("Input");
  cmd->add_option("--out", o->out,
                  "Run folder (stages/, data/, train/, model-fp32/, model-int8/, report.md)")
      ->required()
      ->group("Input");
  cmd->add_flag("!--no-download", o->download, "Never download a missing model or IMDB")
      ->group("Input");
  cmd->add_option("--train-limit", o->train_limit,
                  "Use a stratified subset of N training examples (0 = all)")
      ->group("Input");
  cmd->add_option("--test-limit", o->test_limit,
                  "Use a stratified subset of N test examples (0 = all)")
      ->group("Input");
  cmd->add_option("--seed", o->seed, "Seed for subsets, splits, initialisation and shuffling")
      ->capture_default_str()
      ->group("Input");
  auto& t = o->train;
  auto tokenization = std::make_shared<TokenizationFlags>();
  tokenization->add(cmd, "Train", t.recipe, TokenizationFlags::TRAIN);
  cmd->add_option("--validation-split", t.validation_split,
                  "Fraction of train held out to pick the best checkpoint")
      ->capture_default_str()
      ->group("Train");
  cmd->add_flag("--bf16", t.bf16, "bf16 autocast for training")->group("Train");
  add_loop_flags(cmd, t, {"Train", "Train"});
  cmd->add_option("--quant-scheme", o->quant.scheme, "dynamic | static INT8 activations")
      ->capture_default_str()
      ->group("Quantize");
  cmd->add_option("--calibration-size", o->quant.calibration_size,
                  "Training texts used to calibrate INT8 activations")
      ->capture_default_str()
      ->group("Quantize");
  cmd->add_option("--eval-batch-size", o->eval_batch_size, "Batch size of the evaluations")
      ->capture_default_str()
      ->group("Eval / bench");
  cmd->add_option("--bench-texts", o->bench.texts, "Test texts timed in the benchmark")
      ->capture_default_str()
      ->group("Eval / bench");
  cmd->add_option("--bench-batch-sizes", o->bench.batch_sizes,
                  "Batch sizes of the latency workloads (throughput: the largest)")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Eval / bench");
  cmd->add_option("--bench-repeats", o->bench.repeats,
                  "Timed runs at least per model and workload (latency: more, up to 20, within 0.5 "
                  "s; throughput passes: exactly this many)")
      ->capture_default_str()
      ->group("Eval / bench");
  cmd->add_option("--bench-threads", o->bench.threads, "Threads of the benchmark (default: all)")
      ->group("Eval / bench");
  cmd->add_option("--threads", o->threads, "Threads for training and evaluation (default: all)")
      ->group("Run");
  cmd->add_option("--stop-after", o->stop_after,
                  "Stop after this stage (data, train, eval_fp32, quantize, eval_int8, bench)")
      ->group("Run");
  cmd->callback([o, tokenization] {
    o->train.recipe = tokenization->recipe(o->train.recipe);
    install_interrupt_handlers();
    print_pipeline_end(pipeline::run_pipeline(*o, print_stage_line));
  });
});

}  // namespace
}  // namespace bertq::cli
