// Stage "train": train::train on RUN/data/train.jsonl from RUN/base into RUN/train (checkpoints,
// metrics.jsonl, curves.svg), then RUN/model-fp32 = a copy of RUN/train/best (the best
// validation checkpoint) or RUN/train/last. Interrupted (Ctrl-C, or stop_at_step in tests): the
// trainer saves RUN/train/checkpoint and this stage throws INTERRUPTED; rerunning the same
// command resumes from the checkpoint when RUN/train/pipeline_inputs.json matches the stage's
// inputs, otherwise RUN/train is cleared and training starts over.
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "pipeline/stages.h"
#ifdef BERTQ_HAVE_TRAIN
#include "train/trainer.h"
#endif

namespace fs = std::filesystem;

namespace bertq::pipeline {

void replace_folder_with_copy(const std::string& src, const std::string& dst) {
  write_dir_atomic(dst, [&](const std::string& tmp) {
    fs::copy(src, tmp, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  });
}

StageWork run_train_stage(const RunContext& ctx, const nlohmann::json& inputs) {
#ifndef BERTQ_HAVE_TRAIN
  (void)ctx;
  (void)inputs;
  throw Error(ErrorCode::UNSUPPORTED,
              "needs the libtorch trainer (bertq_train): install libtorch-dev and rebuild");
#else
  const PipelineOptions& o = ctx.options;
  const PipelineTrainOptions& t = o.train;
  train::TrainOptions to;
  static_cast<train::LoopOptions&>(to) = t;
  to.seed = o.seed;
  to.threads = o.threads;
  to.progress = o.progress;
  to.resume = false;
  to.model_dir = ctx.path("base");
  to.train_path = ctx.path("data/train.jsonl");
  to.validation_split = t.validation_split;
  to.out_dir = ctx.path("train");
  to.recipe = t.recipe;
  to.bf16 = t.bf16;

  // Resume only a run of the same inputs; anything else starts over.
  const std::string stamp = join_path(to.out_dir, "pipeline_inputs.json");
  const bool have_ckpt = file_exists(join_path(to.out_dir, "checkpoint/state.json")) ||
                         file_exists(join_path(to.out_dir, "checkpoint.old/state.json"));
  const bool same =
      file_exists(stamp) && nlohmann::json::parse(read_file(stamp), nullptr, false) == inputs;
  if (have_ckpt && same) {
    to.resume = true;
    log_info(cat("stage train: resuming from ", to.out_dir, "/checkpoint"));
  } else {
    std::error_code ec;
    fs::remove_all(to.out_dir, ec);
    make_dirs(to.out_dir);
    write_file_atomic(stamp, inputs.dump() + "\n");
  }
  const train::TrainResult r = train::train(to);
  if (r.interrupted)
    throw Error(ErrorCode::INTERRUPTED, cat("interrupted at step ", r.steps, " of ", r.total_steps,
                                            "; the checkpoint is in ", to.out_dir,
                                            "/checkpoint: rerun the same command to resume"));
  const std::string best = join_path(to.out_dir, "best");
  const std::string from = dir_exists(best) ? best : join_path(to.out_dir, "last");
  replace_folder_with_copy(from, ctx.path("model-fp32"));
  nlohmann::json result = {{"steps", r.steps},
                           {"total_steps", r.total_steps},
                           {"wall_s", r.wall_s},
                           {"tokens_per_s", r.tokens_per_s},
                           {"best_step", r.best_step},
                           {"validation_accuracy", r.best_eval.accuracy},
                           {"validation_loss", r.best_eval.loss},
                           {"model_from", from}};
  if (!r.train_losses.empty()) {
    result["first_loss"] = r.train_losses.front().second;
    result["last_loss"] = r.train_losses.back().second;
  }
  return {{ctx.path("model-fp32"), join_path(to.out_dir, "metrics.jsonl")}, result};
#endif
}

}  // namespace bertq::pipeline
