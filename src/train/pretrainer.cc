// The masked-LM pre-training loop (see pretrainer.h): text -> packed sequences ->
// length-grouped batches -> BERT masking (seeded by epoch and batch) -> BertForMaskedLM
// forward / backward -> clip -> AdamW with the linear schedule; evaluation on held-out
// sequences with fixed masking, checkpoints, metrics.jsonl, the plot and OUT/last.
#include "train/pretrainer.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/thread_pool.h"
#include "text/tokenizer.h"
#include "train/adamw.h"
#include "train/batching.h"
#include "train/bert_mlm.h"
#include "train/checkpoint.h"
#include "train/masking.h"
#include "train/metrics.h"
#include "train/mlm_data.h"
#include "train/torch_runtime.h"

namespace bertq::train {

namespace {

using Clock = std::chrono::steady_clock;

// Masking stream of the evaluation batches: the same every evaluation, apart from training's.
constexpr uint64_t kEvalEpoch = ~0ULL;

struct Sequences {
  std::vector<std::vector<int32_t>> ids;
  std::vector<int> lengths;
  size_t size() const { return ids.size(); }
};

struct MlmBatch {
  torch::Tensor ids, types, mask, labels;
  int64_t tokens = 0, chosen = 0;
};

// Pads to the longest row, then masks (ids rewritten, labels -100 where not chosen).
MlmBatch collate_masked(const Sequences& d, const std::vector<size_t>& idx, int32_t pad,
                        const Masker& masker, uint64_t seed, uint64_t epoch, uint64_t batch,
                        const c10::Device& dev) {
  int64_t t = 0;
  for (size_t i : idx) t = std::max<int64_t>(t, d.lengths[i]);
  const int64_t b = static_cast<int64_t>(idx.size());
  MlmBatch out;
  out.ids = torch::full({b, t}, pad, torch::kLong);
  out.mask = torch::zeros({b, t}, torch::kLong);
  out.types = torch::zeros({b, t}, torch::kLong);
  out.labels = torch::empty({b, t}, torch::kLong);
  int64_t* ids = out.ids.data_ptr<int64_t>();
  int64_t* mask = out.mask.data_ptr<int64_t>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& row = d.ids[idx[r]];
    for (size_t k = 0; k < row.size(); ++k) {
      ids[r * t + static_cast<int64_t>(k)] = row[k];
      mask[r * t + static_cast<int64_t>(k)] = 1;
    }
    out.tokens += static_cast<int64_t>(row.size());
  }
  out.chosen = masker.apply(ids, out.labels.data_ptr<int64_t>(), mask, b * t, seed, epoch, batch);
  if (!dev.is_cpu()) {  // masked on the CPU (the Masker's seeded stream), then moved
    out.ids = out.ids.to(dev);
    out.mask = out.mask.to(dev);
    out.types = out.types.to(dev);
    out.labels = out.labels.to(dev);
  }
  return out;
}

MlmEval evaluate_mlm(BertForMaskedLMImpl& m, const Sequences& d, int batch_size, int32_t pad,
                     const Masker& masker, uint64_t seed, const c10::Device& dev) {
  torch::NoGradGuard ng;
  m.eval();
  MlmEval e;
  double loss_sum = 0;
  int64_t correct = 0;
  const auto batches = sorted_batches(d.lengths, static_cast<size_t>(batch_size));
  for (size_t i = 0; i < batches.size(); ++i) {
    MlmBatch b = collate_masked(d, batches[i], pad, masker, seed, kEvalEpoch, i, dev);
    if (b.chosen == 0) continue;
    MlmOutput out = m.forward(b.ids, b.types, b.mask, b.labels);
    loss_sum += out.loss.item<double>() * static_cast<double>(out.chosen);
    correct += out.correct;
    e.tokens += out.chosen;
  }
  if (e.tokens > 0) {
    e.loss = loss_sum / static_cast<double>(e.tokens);
    e.accuracy = static_cast<double>(correct) / static_cast<double>(e.tokens);
  }
  return e;
}

void validate(const PretrainOptions& o) {
  auto need = [](bool ok, const std::string& msg) { check(ok, ErrorCode::INVALID_ARGUMENT, msg); };
  need(!o.model_dir.empty(), "--model is required");
  need(!o.data.empty(), "--data is required");
  need(!o.out_dir.empty(), "--out is required");
  need(o.epochs > 0, cat("--epochs: must be > 0, got ", o.epochs));
  need(o.max_steps >= 0, cat("--max-steps: must be >= 0, got ", o.max_steps));
  need(o.max_minutes >= 0, cat("--max-minutes: must be >= 0, got ", o.max_minutes));
  need(o.lr > 0, cat("--lr: must be > 0, got ", o.lr));
  need(o.batch_size > 0, cat("--batch-size: must be > 0, got ", o.batch_size));
  need(o.grad_accum > 0, cat("--grad-accum: must be > 0, got ", o.grad_accum));
  need(o.warmup_ratio >= 0 && o.warmup_ratio < 1, cat("--warmup-ratio: must be in [0, 1), got ", o.warmup_ratio));
  need(o.weight_decay >= 0, cat("--weight-decay: must be >= 0, got ", o.weight_decay));
  need(!o.dropout || (*o.dropout >= 0 && *o.dropout < 1), "--dropout: must be in [0, 1)");
  need(o.mlm_prob > 0 && o.mlm_prob < 1, cat("--mlm-prob: must be in (0, 1), got ", o.mlm_prob));
  need(o.validation_split >= 0 && o.validation_split < 1, "--validation-split: must be in [0, 1)");
  need(o.max_length > 2, cat("--max-length: must be > 2 ([CLS] and [SEP] included), got ", o.max_length));
  need(o.min_tokens >= 1, cat("--min-tokens: must be >= 1, got ", o.min_tokens));
  need(o.log_every > 0, cat("--log-every: must be > 0, got ", o.log_every));
}

// (train, eval): a seeded shuffle of the sequences; the first round(fraction * n) are held out
// (at least one when fraction > 0). Both keep the corpus order.
std::pair<Sequences, Sequences> split_sequences(MlmCorpus&& c, double fraction, uint64_t seed) {
  const size_t n = c.size();
  size_t n_eval = fraction > 0 ? std::max<size_t>(1, static_cast<size_t>(std::llround(fraction * n))) : 0;
  n_eval = std::min(n_eval, n > 0 ? n - 1 : 0);
  std::vector<size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::mt19937_64 rng(seed ^ 0x5eed5eedULL);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<char> held(n, 0);
  for (size_t i = 0; i < n_eval; ++i) held[perm[i]] = 1;
  Sequences tr, ev;
  for (size_t i = 0; i < n; ++i) {
    Sequences& s = held[i] ? ev : tr;
    s.lengths.push_back(c.lengths[i]);
    s.ids.push_back(std::move(c.sequences[i]));
  }
  return {std::move(tr), std::move(ev)};
}

}  // namespace

std::string pretrain_options_to_json(const PretrainOptions& o) {
  nlohmann::json j{{"model", o.model_dir}, {"data", o.data}, {"max_length", o.max_length},
                   {"min_tokens", o.min_tokens}, {"mlm_prob", o.mlm_prob}, {"limit", o.limit},
                   {"skip_bad_rows", o.skip_bad_rows}, {"validation_split", o.validation_split},
                   {"epochs", o.epochs}, {"max_steps", o.max_steps}, {"lr", o.lr},
                   {"batch_size", o.batch_size}, {"grad_accum", o.grad_accum},
                   {"warmup_ratio", o.warmup_ratio}, {"weight_decay", o.weight_decay},
                   {"max_grad_norm", o.max_grad_norm}, {"seed", o.seed}};
  j["dropout"] = o.dropout ? nlohmann::json(*o.dropout) : nlohmann::json(nullptr);
  return j.dump();
}

PretrainResult pretrain(const PretrainOptions& o) {
  validate(o);
  const auto t_start = Clock::now();
  const auto [threads, dev] = start_torch_run(o.threads, o.device);

  const std::string cfg_path = join_path(o.model_dir, "config.json");
  ModelConfig cfg = ModelConfig::load(cfg_path);
  cfg.validate(cfg_path);
  if (o.dropout) cfg.hidden_dropout_prob = cfg.attention_probs_dropout_prob = *o.dropout;
  const text::Tokenizer tok = text::Tokenizer::from_folder(o.model_dir);
  check(tok.vocab_size() <= static_cast<size_t>(cfg.vocab_size), ErrorCode::INVALID_ARGUMENT,
        o.model_dir, ": the tokenizer has ", tok.vocab_size(), " tokens, config vocab_size is ", cfg.vocab_size);
  check(o.max_length <= cfg.max_position_embeddings, ErrorCode::INVALID_ARGUMENT,
        "--max-length ", o.max_length, " exceeds max_position_embeddings ", cfg.max_position_embeddings);
  const int32_t pad = tok.pad_id();
  check(pad >= 0 && tok.mask_id() >= 0 && tok.cls_id() >= 0 && tok.sep_id() >= 0,
        ErrorCode::INVALID_ARGUMENT, o.model_dir, ": the tokenizer needs [PAD], [MASK], [CLS] and [SEP]");
  MaskingOptions mo;
  mo.prob = o.mlm_prob;
  mo.mask_id = tok.mask_id();
  mo.vocab_size = static_cast<int64_t>(tok.vocab_size());
  mo.special_ids = {tok.cls_id(), tok.sep_id(), pad, tok.mask_id()};
  if (tok.unk_id() >= 0) mo.special_ids.push_back(tok.unk_id());
  const Masker masker(mo);

  ThreadPool pool(threads);
  auto split = split_sequences(
      load_mlm_corpus(o.data, tok, o.max_length, o.min_tokens, o.limit, o.seed, o.skip_bad_rows, pool),
      o.validation_split, o.seed);
  const Sequences train_data = std::move(split.first), eval_data = std::move(split.second);
  log_info(cat("pre-training on ", train_data.size(), " sequences (", eval_data.size(),
               " held out), max length ", o.max_length, ", threads ", threads));

  torch::manual_seed(o.seed);
  BertForMaskedLM model(cfg);
  init_bert_parameters(*model, cfg, o.seed);
  load_start_weights(*model, o.model_dir, o.seed, dev, "pre-training",
                     [&](const std::string& path) { return load_mlm_weights(*model, path); });
  AdamW opt(model->named_parameters(), {0.9, 0.999, 1e-8, o.weight_decay});

  const StepPlan plan = plan_steps(train_data.size(), o.batch_size, o.grad_accum, o.epochs,
                                   o.max_steps, o.warmup_ratio);
  const int64_t total = plan.total, warmup = plan.warmup;
  const int64_t save_every = o.save_every > 0 ? o.save_every : 500;

  make_dirs(o.out_dir);
  const std::string ckpt_dir = join_path(o.out_dir, "checkpoint");
  MetricsLog mlog(join_path(o.out_dir, "metrics.jsonl"));
  TrainState st =
      start_or_resume(o.out_dir, *model, opt, pretrain_options_to_json(o), o.resume, mlog);

  PretrainResult res;
  res.total_steps = total;
  res.sequences = train_data.size();
  res.eval_sequences = eval_data.size();
  const double elapsed_before = st.elapsed_s;
  auto elapsed = [&] {
    return elapsed_before + std::chrono::duration<double>(Clock::now() - t_start).count();
  };
  auto do_eval = [&](int64_t epoch) {
    if (eval_data.size() == 0) return;
    const MlmEval e = evaluate_mlm(*model, eval_data, o.batch_size * 2, pad, masker, o.seed, dev);
    res.last_eval = e;
    mlog.append(nlohmann::json{{"kind", "eval"}, {"step", st.step}, {"epoch", epoch},
                               {"loss", e.loss}, {"accuracy", e.accuracy}, {"examples", e.tokens},
                               {"elapsed_s", elapsed()}}.dump());
    log_info(cat("eval step ", st.step, ": masked-LM loss ", e.loss, " accuracy ", e.accuracy,
                 " on ", e.tokens, " masked tokens"));
  };

  Progress bar("pretrain", static_cast<uint64_t>(total), "steps", 1.0, o.progress);
  bar.set(static_cast<uint64_t>(st.step));
  double run_loss = 0;
  int64_t run_n = 0, run_tokens = 0, run_chosen = 0, run_correct = 0;
  auto run_t0 = Clock::now();
  bool stop = st.step >= total;
  for (int64_t epoch = st.epoch; epoch < o.epochs && !stop; ++epoch) {
    const auto batches = length_grouped_batches(train_data.lengths, o.batch_size, o.seed, epoch);
    int64_t b = epoch == st.epoch ? st.next_batch : 0;
    while (b < static_cast<int64_t>(batches.size()) && !stop) {
      model->train();
      opt.zero_grad();
      const int64_t micro = std::min<int64_t>(o.grad_accum, batches.size() - b);
      std::vector<MlmBatch> mbs;
      int64_t step_chosen = 0;
      for (int64_t k = 0; k < micro; ++k) {
        mbs.push_back(collate_masked(train_data, batches[b + k], pad, masker, o.seed, epoch, b + k, dev));
        step_chosen += mbs.back().chosen;
      }
      // Each micro-batch's mean loss is weighted by its share of the step's masked tokens, so
      // the step minimises the mean over all of them (as one large batch would).
      double loss_sum = 0;
      for (auto& mb : mbs) {
        if (mb.chosen == 0) continue;
        MlmOutput out = model->forward(mb.ids, mb.types, mb.mask, mb.labels);
        const double w = static_cast<double>(mb.chosen) / static_cast<double>(step_chosen);
        (out.loss * w).backward();
        loss_sum += out.loss.item<double>() * w;
        run_chosen += out.chosen;
        run_correct += out.correct;
        run_tokens += mb.tokens;
        st.tokens += static_cast<uint64_t>(mb.tokens);
      }
      b += micro;
      const double gnorm = o.max_grad_norm > 0 ? clip_grad_norm(opt.params(), o.max_grad_norm) : 0.0;
      const double lr = linear_schedule_lr(st.step, total, warmup, o.lr);
      opt.step(lr);
      ++st.step;
      const bool epoch_end = b >= static_cast<int64_t>(batches.size());
      const bool done = st.step >= total;
      const bool out_of_time = o.max_minutes > 0 && elapsed() >= o.max_minutes * 60;
      st.epoch = epoch_end ? epoch + 1 : epoch;
      st.next_batch = epoch_end ? 0 : b;
      run_loss += loss_sum;
      ++run_n;

      const double dt = std::chrono::duration<double>(Clock::now() - run_t0).count();
      const double tps = dt > 0 ? run_tokens / dt : 0;
      bar.set_suffix(cat("loss ", std::round(run_loss / run_n * 1e4) / 1e4, " lr ", lr, " ",
                         static_cast<int64_t>(tps), " tok/s"));
      bar.set(static_cast<uint64_t>(st.step));
      if (st.step % o.log_every == 0 || epoch_end || done || out_of_time) {
        mlog.append(nlohmann::json{{"kind", "train"}, {"step", st.step}, {"epoch", epoch},
                                   {"loss", run_loss / run_n}, {"lr", lr}, {"grad_norm", gnorm},
                                   {"mlm_accuracy", run_chosen > 0 ? double(run_correct) / run_chosen : 0.0},
                                   {"tokens_per_s", tps}, {"elapsed_s", elapsed()}}.dump());
        res.train_losses.emplace_back(st.step, run_loss / run_n);
        res.tokens_per_s = tps;
        run_loss = 0;
        run_n = run_tokens = run_chosen = run_correct = 0;
        run_t0 = Clock::now();
      }
      if ((o.eval_every > 0 && st.step % o.eval_every == 0) || epoch_end || done || out_of_time) do_eval(epoch);
      const bool interrupted = interrupt_requested() || (o.stop_at_step > 0 && st.step == o.stop_at_step);
      stop = done || out_of_time || interrupted;
      if (stop || st.step % save_every == 0 || epoch_end) {
        st.elapsed_s = elapsed();
        save_checkpoint(ckpt_dir, *model, opt, st);
      }
      if (interrupted) {
        log_info(cat("interrupted: checkpoint saved at step ", st.step, " in ", ckpt_dir,
                     "; continue with --resume"));
        res.interrupted = true;
      } else if (out_of_time && !done) {
        log_info(cat("--max-minutes ", o.max_minutes, " reached at step ", st.step, " of ", total,
                     ": checkpoint and OUT/last written"));
        res.time_limit = true;
      }
    }
  }
  bar.finish();
  res.steps = st.step;
  if (!res.interrupted) save_mlm_folder(join_path(o.out_dir, "last"), *model, o.model_dir);
  write_loss_plot(mlog.path(), join_path(o.out_dir, "curves.svg"));
  res.wall_s = elapsed();
  set_interrupt_requested(false);
  return res;
}

}  // namespace bertq::train
