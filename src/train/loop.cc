// The training loop shared by train() and pretrain() (see loop.h).
#include "train/loop.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "train/adamw.h"
#include "train/batching.h"
#include "train/checkpoint.h"
#include "train/dist/shard.h"

namespace bertq::train {

namespace {

using Clock = std::chrono::steady_clock;

double score_of(const EvalMetrics& e, const std::string& metric) {
  if (metric == "macro_f1") return e.macro_f1;
  if (metric == "loss") return -e.loss;
  return e.accuracy;
}

}  // namespace

MicroBatch pad_rows(const std::vector<std::vector<int32_t>>& rows, const std::vector<size_t>& idx,
                    int32_t pad) {
  int64_t t = 0;
  for (size_t i : idx) t = std::max<int64_t>(t, static_cast<int64_t>(rows[i].size()));
  const int64_t b = static_cast<int64_t>(idx.size());
  MicroBatch out;
  out.ids = torch::full({b, t}, pad, torch::kLong);
  out.mask = torch::zeros({b, t}, torch::kLong);
  out.types = torch::zeros({b, t}, torch::kLong);
  int64_t* ids = out.ids.data_ptr<int64_t>();
  int64_t* mask = out.mask.data_ptr<int64_t>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& row = rows[idx[r]];
    for (size_t k = 0; k < row.size(); ++k) {
      ids[r * t + static_cast<int64_t>(k)] = row[k];
      mask[r * t + static_cast<int64_t>(k)] = 1;
    }
    out.tokens += static_cast<int64_t>(row.size());
  }
  out.units = b;
  return out;
}

void to_device(MicroBatch& b, const c10::Device& dev) {
  if (dev.is_cpu()) return;
  b.ids = b.ids.to(dev);
  b.mask = b.mask.to(dev);
  b.types = b.types.to(dev);
  if (b.labels.defined()) b.labels = b.labels.to(dev);
}

void validate_loop_options(const LoopOptions& o, const std::vector<std::string>& metrics) {
  auto need = [](bool ok, const std::string& msg) { check(ok, ErrorCode::INVALID_ARGUMENT, msg); };
  need(o.epochs > 0, cat("--epochs: must be > 0, got ", o.epochs));
  need(o.max_steps >= 0, cat("--max-steps: must be >= 0, got ", o.max_steps));
  need(o.max_minutes >= 0, cat("--max-minutes: must be >= 0, got ", o.max_minutes));
  need(o.lr > 0, cat("--lr: must be > 0, got ", o.lr));
  need(o.batch_size > 0, cat("--batch-size: must be > 0, got ", o.batch_size));
  need(o.grad_accum > 0, cat("--grad-accum: must be > 0, got ", o.grad_accum));
  need(o.warmup_ratio >= 0 && o.warmup_ratio < 1,
       cat("--warmup-ratio: must be in [0, 1), got ", o.warmup_ratio));
  need(o.weight_decay >= 0, cat("--weight-decay: must be >= 0, got ", o.weight_decay));
  need(!o.dropout || (*o.dropout >= 0 && *o.dropout < 1), "--dropout: must be in [0, 1)");
  need(o.eval_every >= 0, cat("--eval-every: must be >= 0, got ", o.eval_every));
  need(o.save_every >= 0, cat("--save-every: must be >= 0, got ", o.save_every));
  need(o.log_every > 0, cat("--log-every: must be > 0, got ", o.log_every));
  need(o.early_stopping >= 0, cat("--early-stopping: must be >= 0, got ", o.early_stopping));
  std::string choices;
  for (const auto& m : metrics) choices += (choices.empty() ? "" : ", ") + m;
  need(std::find(metrics.begin(), metrics.end(), o.metric) != metrics.end(),
       cat("--metric: expected ", choices, ", got \"", o.metric, "\""));
}

void add_loop_options_json(nlohmann::json& j, const LoopOptions& o) {
  j["epochs"] = o.epochs;
  j["max_steps"] = o.max_steps;
  j["lr"] = o.lr;
  j["batch_size"] = o.batch_size;
  j["grad_accum"] = o.grad_accum;
  j["warmup_ratio"] = o.warmup_ratio;
  j["weight_decay"] = o.weight_decay;
  j["max_grad_norm"] = o.max_grad_norm;
  j["dropout"] = o.dropout ? nlohmann::json(*o.dropout) : nlohmann::json(nullptr);
  j["seed"] = o.seed;
}

LoopResult run_loop(const LoopOptions& o, const LoopTask& task, Clock::time_point t_start) {
  torch::nn::Module& model = *task.model;
  const std::vector<int>& lengths = *task.lengths;
  AdamW opt(model.named_parameters(), {0.9, 0.999, 1e-8, o.weight_decay});
  // Data parallel (train/dist/): a step's batch is batch_size on each of `world` ranks; rank 0
  // alone writes.
  DistGroup* const dist = task.group;
  const int world = dist ? dist->size() : 1, rank = dist ? dist->rank() : 0;
  const bool writer = rank == 0;
  const StepPlan plan = plan_steps(lengths.size(), o.batch_size * world, o.grad_accum, o.epochs,
                                   o.max_steps, o.warmup_ratio);
  const int64_t total = plan.total, warmup = plan.warmup;
  const int64_t save_every = o.save_every > 0 ? o.save_every : 500;

  make_dirs(task.out_dir);
  const std::string ckpt_dir = join_path(task.out_dir, "checkpoint");
  MetricsLog mlog(join_path(task.out_dir, "metrics.jsonl"));
  // Rank r > 0 draws its dropout masks from a stream of its own (seed + r): one stream on every
  // rank would give the ranks' slices of a batch the same masks wherever their shapes agree.
  if (rank > 0) torch::manual_seed(o.seed + static_cast<uint64_t>(rank));
  TrainState st = start_or_resume(task.out_dir, model, opt, task.options_json, o.resume,
                                  writer ? &mlog : nullptr, rank, world);

  LoopResult res;
  res.total_steps = total;
  res.writer = writer;
  const double elapsed_before = st.elapsed_s;
  auto elapsed = [&] {
    return elapsed_before + std::chrono::duration<double>(Clock::now() - t_start).count();
  };
  bool stop = st.step >= total;

  auto do_eval = [&](int64_t epoch) {
    const std::optional<LoopEval> e = task.evaluate ? task.evaluate() : std::nullopt;
    if (!e) return;
    nlohmann::json line = e->fields;
    line["kind"] = "eval";
    line["step"] = st.step;
    line["epoch"] = epoch;
    line["elapsed_s"] = elapsed();
    if (writer) {
      mlog.append(line.dump());
      log_info(cat("eval step ", st.step, ": ", e->summary));
    }
    const double score = score_of(e->metrics, o.metric);
    if (score > st.best_metric) {
      st.best_metric = score;
      st.best_step = st.step;
      st.evals_without_improvement = 0;
      st.best_eval = e->metrics;
      if (writer && task.on_best) task.on_best();
    } else if (++st.evals_without_improvement >= o.early_stopping && o.early_stopping > 0) {
      log_info(cat("early stopping: no improvement of ", o.metric, " in ", o.early_stopping,
                   " evaluations"));
      res.early_stopped = stop = true;
    }
  };

  Progress bar(task.name, static_cast<uint64_t>(total), "steps", 1.0, o.progress && writer);
  bar.resume_at(static_cast<uint64_t>(st.step));  // the rate counts this process only
  double run_loss = 0;
  int64_t run_n = 0, run_tokens = 0, run_units = 0, run_correct = 0;
  auto run_t0 = Clock::now();
  for (int64_t epoch = st.epoch; epoch < o.epochs && !stop; ++epoch) {
    const auto batches = shard_batches(
        length_grouped_batches(lengths, o.batch_size * world, o.seed, epoch), rank, world);
    int64_t b = epoch == st.epoch ? st.next_batch : 0;
    while (b < static_cast<int64_t>(batches.size()) && !stop) {
      model.train();
      opt.zero_grad();
      const int64_t micro = std::min<int64_t>(o.grad_accum, batches.size() - b);
      std::vector<MicroBatch> mbs;
      int64_t step_units = 0;
      for (int64_t k = 0; k < micro; ++k) {
        mbs.push_back(task.collate(batches[b + k], epoch, b + k));
        step_units += mbs.back().units;
      }
      if (dist) step_units = dist->sum(step_units);
      // Weight n_k / Σn (see loop.h): the step minimises the mean over all its units. A
      // weight of exactly 1 (no accumulation) skips the multiplication.
      DistGroup::StepTotals sums;  // this step's loss, tokens, ... (of all ranks after dist->sum)
      for (const MicroBatch& mb : mbs) {
        sums.tokens += mb.tokens;
        if (mb.units == 0) continue;
        const MicroLoss out = task.loss(mb);
        const double w = static_cast<double>(mb.units) / static_cast<double>(step_units);
        (w == 1.0 ? out.loss : out.loss * w).backward();
        sums.loss += out.loss.item<double>() * w;
        if (out.correct >= 0) {
          sums.units += mb.units;
          sums.correct += out.correct;
        }
      }
      if (dist) dist->sum_gradients(opt.params());
      b += micro;
      const double gnorm =
          o.max_grad_norm > 0 ? clip_grad_norm(opt.params(), o.max_grad_norm) : 0.0;
      const double lr = linear_schedule_lr(st.step, total, warmup, o.lr);
      opt.step(lr);
      ++st.step;
      const bool epoch_end = b >= static_cast<int64_t>(batches.size());
      const bool done = st.step >= total;
      sums.out_of_time = o.max_minutes > 0 && elapsed() >= o.max_minutes * 60;
      sums.interrupted = interrupt_requested() || (o.stop_at_step > 0 && st.step == o.stop_at_step);
      if (dist) dist->sum(sums);
      const bool out_of_time = sums.out_of_time, interrupted = sums.interrupted;
      st.epoch = epoch_end ? epoch + 1 : epoch;
      st.next_batch = epoch_end ? 0 : b;
      st.tokens += static_cast<uint64_t>(sums.tokens);
      run_tokens += sums.tokens;
      run_units += sums.units;
      run_correct += sums.correct;
      run_loss += sums.loss;
      ++run_n;

      const double dt = std::chrono::duration<double>(Clock::now() - run_t0).count();
      const double tps = dt > 0 ? run_tokens / dt : 0;
      bar.set_suffix(cat("loss ", std::round(run_loss / run_n * 1e4) / 1e4, " lr ", lr, " ",
                         static_cast<int64_t>(tps), " tok/s"));
      bar.set(static_cast<uint64_t>(st.step));
      if (st.step % o.log_every == 0 || epoch_end || done || out_of_time) {
        nlohmann::json line{{"kind", "train"},
                            {"step", st.step},
                            {"epoch", epoch},
                            {"loss", run_loss / run_n},
                            {"lr", lr},
                            {"grad_norm", gnorm},
                            {"tokens_per_s", tps},
                            {"elapsed_s", elapsed()}};
        if (!task.accuracy_field.empty())
          line[task.accuracy_field] = run_units > 0 ? double(run_correct) / double(run_units) : 0.0;
        if (writer) mlog.append(line.dump());
        res.train_losses.emplace_back(st.step, run_loss / run_n);
        res.tokens_per_s = tps;
        run_loss = 0;
        run_n = run_tokens = run_units = run_correct = 0;
        run_t0 = Clock::now();
      }
      if ((o.eval_every > 0 && st.step % o.eval_every == 0) || epoch_end || done || out_of_time)
        do_eval(epoch);
      stop = stop || done || out_of_time || interrupted;
      if (stop || st.step % save_every == 0 || epoch_end) {  // the same on every rank
        // Every rank's dropout generator, so that each resumes its own stream.
        const std::vector<torch::Tensor> rngs =
            dist ? dist->all_gather_bytes(rng_state()) : std::vector<torch::Tensor>{rng_state()};
        st.elapsed_s = elapsed();
        if (writer) save_checkpoint(ckpt_dir, model, opt, st, rngs);
      }
      if (interrupted) {
        log_info(cat("interrupted: checkpoint saved at step ", st.step, " in ", ckpt_dir,
                     "; continue with --resume"));
        res.interrupted = true;
      } else if (out_of_time && !done && !res.early_stopped) {
        log_info(cat("--max-minutes ", o.max_minutes, " reached at step ", st.step, " of ", total,
                     ": checkpoint and OUT/last written"));
        res.time_limit = true;
      }
    }
  }
  bar.finish();
  res.steps = st.step;
  res.best_step = st.best_step;
  res.best_eval = st.best_eval;
  if (writer && !res.interrupted && task.save_last) task.save_last();
  if (writer) write_loss_plot(mlog.path(), join_path(task.out_dir, "curves.svg"));
  res.wall_s = elapsed();
  if (res.tokens_per_s == 0 && run_n > 0) {  // stopped before its first train line
    const double dt = std::chrono::duration<double>(Clock::now() - run_t0).count();
    res.tokens_per_s = dt > 0 ? run_tokens / dt : 0;
  }
  set_interrupt_requested(false);
  return res;
}

}  // namespace bertq::train
