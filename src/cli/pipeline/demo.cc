// `bertq demo`: the built-in offline run (src/pipeline/demo.h): a synthetic sentiment corpus,
// a WordPiece vocabulary trained on it, a small BERT from scratch, then the whole pipeline;
// prints the FP32 vs INT8 table. Rerunning skips the completed stages.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/trainer_commands.h"
#include "core/interrupt.h"
#include "pipeline/demo.h"

namespace bertq::cli {

void print_stage_line(const pipeline::StageOutcome& s);
void print_pipeline_end(const pipeline::PipelineResult& r);

namespace {

Command reg(kDemoCommand.name, kDemoCommand.order, [](CLI::App& app) {
  auto o = std::make_shared<pipeline::DemoOptions>();
  auto* cmd = add_trainer_subcommand(app, kDemoCommand);
  cmd->add_option("--out", o->out, "Run folder")->capture_default_str();
  cmd->add_option("--model", o->model,
                  "Model to fine-tune (folder or hub name), or scratch: a small BERT trained from "
                  "scratch with its own vocabulary on the synthetic corpus")
      ->capture_default_str();
  cmd->add_option("--data", o->data, "auto (IMDB where on the machine, else synthetic) | synthetic")
      ->capture_default_str();
  cmd->add_option("--size", o->size, "--model scratch: small (a few minutes) | tiny (seconds)")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads (default: all)");
  cmd->add_option("--seed", o->seed, "Seed of the corpus, the initialisation and training")
      ->capture_default_str();
  cmd->add_option("--stop-after", o->stop_after, "Stop after this pipeline stage");
  cmd->callback([o] {
    install_interrupt_handlers();
    const auto r = pipeline::run_demo(*o, print_stage_line);
    print_pipeline_end(r.pipeline);
    std::printf("data: %s\n", r.data.c_str());
  });
});

}  // namespace
}  // namespace bertq::cli
