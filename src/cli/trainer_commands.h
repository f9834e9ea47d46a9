// The commands that train, in one table: they run in the trainer executable (bertq-train,
// built beside bertq), which links libtorch; bertq itself does not, so predict, serve and the
// other inference commands start without loading it. bertq lists these commands in its --help
// and hands each one, arguments unchanged, to the trainer (trainer_forward.cc); the trainer's
// command files (cli/train/, cli/pipeline/) take their name, order and description from here.
//
//   Command reg(kTrainCommand, [](CLI::App& app) {
//     auto* cmd = add_trainer_subcommand(app, kTrainCommand);  ... its options ...
#pragma once

#include <CLI/CLI.hpp>

namespace bertq::cli {

struct TrainerCommand {
  const char* name;
  int order;  // place in --help (command.h)
  const char* description;
  bool needs_libtorch;  // absent from a build without libtorch (pipeline and demo are not)
};

inline constexpr TrainerCommand kDemoCommand{
    "demo", 4,
    "Offline demo: fine-tune a pretrained MiniLM on IMDB (or a synthetic corpus), quantize, "
    "compare",
    false};
inline constexpr TrainerCommand kPipelineCommand{
    "pipeline", 5, "Run the whole job: data, train, eval FP32, quantize, eval INT8, bench, report",
    false};
inline constexpr TrainerCommand kPretrainCommand{
    "pretrain", 39, "Masked-LM pre-training of a BERT (libtorch; HF BertForMaskedLM)", true};
inline constexpr TrainerCommand kTrainCommand{
    "train", 40, "Fine-tune a BERT sequence classifier (libtorch)", true};

inline constexpr TrainerCommand kTrainerCommands[] = {kDemoCommand, kPipelineCommand,
                                                      kPretrainCommand, kTrainCommand};

// Whether this build has the command: train and pretrain need libtorch (CMake defines
// BERTQ_HAVE_TRAIN where the bertq_train module exists).
inline constexpr bool is_built(const TrainerCommand& c) {
#ifdef BERTQ_HAVE_TRAIN
  return true;
#else
  return !c.needs_libtorch;
#endif
}

// The subcommand of `c` with its name and description.
inline CLI::App* add_trainer_subcommand(CLI::App& app, const TrainerCommand& c) {
  return app.add_subcommand(c.name, c.description);
}

}  // namespace bertq::cli
