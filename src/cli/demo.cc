// `bertq demo`: the built-in offline run (src/pipeline/demo.h): a synthetic sentiment corpus,
// a WordPiece vocabulary trained on it, a small BERT from scratch, then the whole pipeline;
// prints the FP32 vs INT8 table. Rerunning skips the completed stages.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/interrupt.h"
#include "pipeline/demo.h"

namespace bertq::cli {

void print_stage_line(const pipeline::StageOutcome& s);
void print_pipeline_end(const pipeline::PipelineResult& r);

namespace {

Command reg("demo", 4, [](CLI::App& app) {
  auto o = std::make_shared<pipeline::DemoOptions>();
  auto* cmd = app.add_subcommand("demo", "Offline demo: built-in corpus, vocab, small BERT, full pipeline");
  cmd->add_option("--out", o->out, "Run folder")->capture_default_str();
  cmd->add_option("--size", o->size, "small (a few minutes) | tiny (seconds)")->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads (default: all)");
  cmd->add_option("--seed", o->seed, "Seed of the corpus, the initialisation and training")->capture_default_str();
  cmd->add_option("--stop-after", o->stop_after, "Stop after this pipeline stage");
  cmd->callback([o] {
    install_interrupt_handlers();
    const auto r = pipeline::run_demo(*o, print_stage_line);
    print_pipeline_end(r.pipeline);
  });
});

}  // namespace
}  // namespace bertq::cli
