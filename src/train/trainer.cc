// The training loop (see trainer.h): data -> tokens -> length-grouped batches -> forward /
// backward (bf16 autocast optional) -> clip -> AdamW with the linear schedule; evaluation,
// best / last folders, checkpoints, metrics.jsonl and the plot.
#include "train/trainer.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/thread_pool.h"
#include "train/batching.h"
#include "train/checkpoint.h"
#include "data/dataset.h"
#include "data/label_map.h"
#include "text/tokenizer.h"
#include "train/bert_model.h"
#include "train/torch_runtime.h"

namespace bertq::train {

namespace {

using Clock = std::chrono::steady_clock;

struct Tokenized {
  std::vector<std::vector<int32_t>> ids;
  std::vector<int32_t> labels;
  std::vector<int> lengths;
  size_t size() const { return ids.size(); }
};

Tokenized tokenize_all(const text::Tokenizer& tok, const data::Dataset& ds,
                       const text::EncodeOptions& eo, ThreadPool& pool) {
  std::vector<std::string> texts;
  texts.reserve(ds.examples.size());
  for (const auto& ex : ds.examples) texts.push_back(ex.text);
  std::vector<text::Encoding> enc = tok.encode_batch(texts, eo, pool);
  Tokenized t;
  t.ids.resize(enc.size());
  t.labels.resize(enc.size());
  t.lengths.resize(enc.size());
  for (size_t i = 0; i < enc.size(); ++i) {
    t.ids[i] = std::move(enc[i].ids);
    t.labels[i] = ds.examples[i].label;
    t.lengths[i] = static_cast<int>(t.ids[i].size());
  }
  return t;
}

// Reads a dataset spec and maps its labels through the model's id2label; every example must
// have a label (unlabelled rows, e.g. imdb:unsup, cannot train a classifier).
data::Dataset load_labelled(const std::string& spec, const ModelConfig& cfg, size_t limit,
                            uint64_t seed, bool skip_bad_rows) {
  data::ReadOptions ro;
  ro.on_bad_row = skip_bad_rows ? data::ReadOptions::OnBadRow::SKIP : data::ReadOptions::OnBadRow::ERROR;
  data::Dataset ds = data::load_dataset(spec, ro, limit, seed);
  data::map_labels(ds, cfg.id2label);
  for (const auto& ex : ds.examples)
    check(ex.label >= 0 && ex.label < cfg.num_labels(), ErrorCode::INVALID_ARGUMENT,
          spec, ": example ", ex.id, " has no label (label \"", ex.label_name,
              "\"); training needs labelled data");
  if (ds.bad_rows > 0) log_warn(cat(spec, ": skipped ", ds.bad_rows, " malformed rows"));
  check(!ds.examples.empty(), ErrorCode::INVALID_ARGUMENT, spec, ": no examples");
  return ds;
}

struct Batch {
  torch::Tensor ids, types, mask, labels;
  int64_t tokens = 0;
};

// Pads the batch to its longest row with the pad id (mask 0 there); the tensors end on `dev`.
Batch collate(const Tokenized& d, const std::vector<size_t>& idx, int32_t pad,
              const c10::Device& dev) {
  int64_t t = 0;
  for (size_t i : idx) t = std::max<int64_t>(t, d.lengths[i]);
  const int64_t b = static_cast<int64_t>(idx.size());
  Batch out;
  out.ids = torch::full({b, t}, pad, torch::kLong);
  out.mask = torch::zeros({b, t}, torch::kLong);
  out.types = torch::zeros({b, t}, torch::kLong);
  out.labels = torch::empty({b}, torch::kLong);
  auto ids = out.ids.accessor<int64_t, 2>();
  auto mask = out.mask.accessor<int64_t, 2>();
  auto labels = out.labels.accessor<int64_t, 1>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& row = d.ids[idx[r]];
    for (size_t k = 0; k < row.size(); ++k) {
      ids[r][k] = row[k];
      mask[r][k] = 1;
    }
    labels[r] = d.labels[idx[r]];
    out.tokens += static_cast<int64_t>(row.size());
  }
  if (!dev.is_cpu()) {
    out.ids = out.ids.to(dev);
    out.mask = out.mask.to(dev);
    out.types = out.types.to(dev);
    out.labels = out.labels.to(dev);
  }
  return out;
}

// bf16 autocast for the forward pass (weights stay fp32; matmuls run in bf16), on the CPU or
// on CUDA depending on where the model is.
class AutocastScope {
 public:
  AutocastScope(bool on, const c10::Device& dev) : on_(on), cuda_(dev.is_cuda()) {
    if (!on_) return;
    if (cuda_) {
      prev_ = at::autocast::is_enabled();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
      prev_ = at::autocast::is_cpu_enabled();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!on_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    if (cuda_) {
      at::autocast::set_enabled(prev_);
    } else {
      at::autocast::set_cpu_enabled(prev_);
    }
  }

 private:
  bool on_, cuda_, prev_ = false;
};

EvalMetrics evaluate(BertClassifierImpl& m, const Tokenized& d, int batch_size, bool bf16,
                     int32_t pad, const c10::Device& dev) {
  torch::NoGradGuard ng;
  m.eval();
  std::vector<int32_t> pred(d.size()), gold(d.labels);
  double loss_sum = 0;
  for (const auto& idx : sorted_batches(d.lengths, static_cast<size_t>(batch_size))) {
    Batch b = collate(d, idx, pad, dev);
    torch::Tensor logits;
    {
      AutocastScope ac(bf16, dev);
      logits = m.forward(b.ids, b.types, b.mask);
    }
    logits = logits.to(torch::kFloat);
    loss_sum += torch::cross_entropy_loss(logits, b.labels, {}, at::Reduction::Sum).item<double>();
    auto am = logits.argmax(1).to(torch::kCPU);
    for (size_t r = 0; r < idx.size(); ++r) pred[idx[r]] = static_cast<int32_t>(am[r].item<int64_t>());
  }
  EvalMetrics e = classification_metrics(pred, gold, static_cast<int>(m.config_.num_labels()));
  e.loss = d.size() > 0 ? loss_sum / d.size() : 0;
  return e;
}

double score_of(const EvalMetrics& e, const std::string& metric) {
  if (metric == "f1") return e.f1;
  if (metric == "loss") return -e.loss;
  return e.accuracy;
}

std::string eval_json(int64_t step, int64_t epoch, const EvalMetrics& e, double elapsed) {
  return nlohmann::json{{"kind", "eval"}, {"step", step}, {"epoch", epoch}, {"loss", e.loss},
                        {"accuracy", e.accuracy}, {"f1", e.f1}, {"examples", e.examples},
                        {"elapsed_s", elapsed}}
      .dump();
}

void validate(const TrainOptions& o) {
  auto need = [](bool ok, const std::string& msg) { check(ok, ErrorCode::INVALID_ARGUMENT, msg); };
  need(!o.model_dir.empty(), "--model is required");
  need(!o.train_path.empty(), "--train is required");
  need(!o.out_dir.empty(), "--out is required");
  need(o.epochs > 0, cat("--epochs: must be > 0, got ", o.epochs));
  need(o.lr > 0, cat("--lr: must be > 0, got ", o.lr));
  need(o.batch_size > 0, cat("--batch-size: must be > 0, got ", o.batch_size));
  need(o.grad_accum > 0, cat("--grad-accum: must be > 0, got ", o.grad_accum));
  need(o.warmup_ratio >= 0 && o.warmup_ratio < 1, cat("--warmup-ratio: must be in [0, 1), got ", o.warmup_ratio));
  need(o.weight_decay >= 0, cat("--weight-decay: must be >= 0, got ", o.weight_decay));
  need(!o.dropout || (*o.dropout >= 0 && *o.dropout < 1), "--dropout: must be in [0, 1)");
  need(o.metric == "accuracy" || o.metric == "f1" || o.metric == "loss",
       cat("--metric: expected accuracy, f1 or loss, got \"", o.metric, "\""));
  need(o.validation_split >= 0 && o.validation_split < 1, "--validation-split: must be in [0, 1)");
  need(o.eval_path.empty() || o.validation_split == 0, "--eval and --validation-split exclude each other");
  (void)text::parse_truncation(o.truncation);  // throws listing the choices
  need(o.head_tokens >= 0, cat("--head-tokens: must be >= 0, got ", o.head_tokens));
  need(o.max_length > 2, cat("--max-length: must be > 2 ([CLS] and [SEP] included), got ", o.max_length));
}

}  // namespace

std::string options_to_json(const TrainOptions& o) {
  nlohmann::json j{{"model", o.model_dir}, {"train", o.train_path}, {"eval", o.eval_path},
                   {"validation_split", o.validation_split}, {"epochs", o.epochs}, {"lr", o.lr},
                   {"batch_size", o.batch_size}, {"grad_accum", o.grad_accum},
                   {"max_length", o.max_length}, {"truncation", o.truncation},
                   {"head_tokens", o.head_tokens}, {"skip_bad_rows", o.skip_bad_rows},
                   {"warmup_ratio", o.warmup_ratio}, {"weight_decay", o.weight_decay},
                   {"max_grad_norm", o.max_grad_norm}, {"bf16", o.bf16}, {"seed", o.seed},
                   {"train_limit", o.train_limit}, {"eval_limit", o.eval_limit},
                   {"metric", o.metric}};
  j["dropout"] = o.dropout ? nlohmann::json(*o.dropout) : nlohmann::json(nullptr);
  return j.dump();
}

TrainResult train(const TrainOptions& o) {
  validate(o);
  const auto t_start = Clock::now();
  const auto [threads, dev] = start_torch_run(o.threads, o.device);

  ModelConfig cfg = ModelConfig::load(join_path(o.model_dir, "config.json"));
  cfg.validate(join_path(o.model_dir, "config.json"));
  if (o.dropout) {
    cfg.hidden_dropout_prob = cfg.attention_probs_dropout_prob = *o.dropout;
    cfg.classifier_dropout = *o.dropout;
  }
  const text::Tokenizer tok = text::Tokenizer::from_folder(o.model_dir);
  check(tok.vocab_size() <= static_cast<size_t>(cfg.vocab_size), ErrorCode::INVALID_ARGUMENT,
        o.model_dir, ": the tokenizer has ", tok.vocab_size(), " tokens, config vocab_size is ", cfg.vocab_size);
  check(o.max_length <= cfg.max_position_embeddings, ErrorCode::INVALID_ARGUMENT,
        "--max-length ", o.max_length, " exceeds max_position_embeddings ", cfg.max_position_embeddings);
  text::EncodeOptions eo;
  eo.max_length = o.max_length;
  eo.truncation = text::parse_truncation(o.truncation);
  check(eo.truncation != text::Truncation::LONGEST_FIRST, ErrorCode::INVALID_ARGUMENT,
        "--truncation: expected head, tail or head+tail (longest_first is for text pairs)");
  const int budget = o.max_length - static_cast<int>(tok.num_special_tokens(false));
  eo.head_tokens = o.head_tokens > 0 ? o.head_tokens : std::max(1, budget / 4);
  // The written config.json (best/, last/) records this tokenization in its "bertq" block, so
  // predict / eval / serve tokenize as training did (io/bert_config.h).
  io::TokenizationRecipe recipe = cfg.recipe.value_or(io::TokenizationRecipe{});
  recipe.max_length = o.max_length;
  recipe.truncation = std::string(text::truncation_name(eo.truncation));
  recipe.head_tokens = eo.head_tokens;
  cfg.recipe = recipe;
  eo.replace_invalid_utf8 = o.skip_bad_rows;

  data::Dataset train_ds = load_labelled(o.train_path, cfg, o.train_limit, o.seed, o.skip_bad_rows);
  data::Dataset eval_ds;
  if (!o.eval_path.empty()) {
    eval_ds = load_labelled(o.eval_path, cfg, o.eval_limit, o.seed + 1, o.skip_bad_rows);
  } else if (o.validation_split > 0) {
    auto split = data::stratified_split(train_ds, o.validation_split, o.seed);
    train_ds = std::move(split.first);
    eval_ds = std::move(split.second);
  }
  ThreadPool pool(threads);
  const Tokenized train_data = tokenize_all(tok, train_ds, eo, pool);
  const Tokenized eval_data = tokenize_all(tok, eval_ds, eo, pool);
  log_info(cat("train: ", train_data.size(), " examples, eval: ", eval_data.size(),
               " examples, threads ", threads, o.bf16 ? ", bf16 autocast" : ", fp32"));

  torch::manual_seed(o.seed);
  BertClassifier model(cfg);
  init_weights(*model, o.seed);
  load_start_weights(*model, o.model_dir, o.seed, dev, "training",
                     [&](const std::string& path) { return load_weights(*model, path); });
  AdamW opt(model->named_parameters(), {0.9, 0.999, 1e-8, o.weight_decay});

  const StepPlan plan = plan_steps(train_data.size(), o.batch_size, o.grad_accum, o.epochs, 0,
                                   o.warmup_ratio);
  const int64_t total = plan.total, warmup = plan.warmup;
  const int64_t save_every = o.save_every > 0 ? o.save_every : 500;

  make_dirs(o.out_dir);
  const std::string ckpt_dir = join_path(o.out_dir, "checkpoint");
  MetricsLog mlog(join_path(o.out_dir, "metrics.jsonl"));
  TrainState st = start_or_resume(o.out_dir, *model, opt, options_to_json(o), o.resume, mlog);

  TrainResult res;
  res.total_steps = total;
  const double elapsed_before = st.elapsed_s;
  auto elapsed = [&] {
    return elapsed_before + std::chrono::duration<double>(Clock::now() - t_start).count();
  };
  Progress bar("train", static_cast<uint64_t>(total), "steps", 1.0, o.progress);
  bar.set(static_cast<uint64_t>(st.step));
  double run_loss = 0;
  int64_t run_n = 0, run_tokens = 0;
  auto run_t0 = Clock::now();
  bool stop = false;
  const int32_t pad = tok.pad_id();
  check(pad >= 0, ErrorCode::INVALID_ARGUMENT, o.model_dir, ": the tokenizer has no [PAD] token");

  auto do_eval = [&](int64_t epoch) {
    if (eval_data.size() == 0) return;
    EvalMetrics e = evaluate(*model, eval_data, o.batch_size * 2, o.bf16, pad, dev);
    res.last_eval = e;
    mlog.append(eval_json(st.step, epoch, e, elapsed()));
    log_info(cat("eval step ", st.step, ": loss ", e.loss, " accuracy ", e.accuracy, " f1 ", e.f1));
    if (score_of(e, o.metric) > st.best_metric) {
      st.best_metric = score_of(e, o.metric);
      st.best_step = st.step;
      st.evals_without_improvement = 0;
      st.best_eval = e;
      save_model_folder(join_path(o.out_dir, "best"), *model, o.model_dir);
    } else if (++st.evals_without_improvement >= o.early_stopping && o.early_stopping > 0) {
      log_info(cat("early stopping: no improvement of ", o.metric, " in ", o.early_stopping, " evaluations"));
      res.early_stopped = stop = true;
    }
  };

  for (int64_t epoch = st.epoch; epoch < o.epochs && !stop; ++epoch) {
    const auto batches = length_grouped_batches(train_data.lengths, o.batch_size, o.seed, epoch);
    int64_t b = epoch == st.epoch ? st.next_batch : 0;
    while (b < static_cast<int64_t>(batches.size()) && !stop) {
      model->train();
      opt.zero_grad();
      const int64_t micro = std::min<int64_t>(o.grad_accum, batches.size() - b);
      double loss_sum = 0;
      for (int64_t k = 0; k < micro; ++k) {
        Batch batch = collate(train_data, batches[b + k], pad, dev);
        torch::Tensor logits;
        {
          AutocastScope ac(o.bf16, dev);
          logits = model->forward(batch.ids, batch.types, batch.mask);
        }
        auto loss = torch::cross_entropy_loss(logits.to(torch::kFloat), batch.labels) / micro;
        loss.backward();
        loss_sum += loss.item<double>();
        run_tokens += batch.tokens;
        st.tokens += static_cast<uint64_t>(batch.tokens);
      }
      b += micro;
      const double gnorm = o.max_grad_norm > 0 ? clip_grad_norm(opt.params(), o.max_grad_norm) : 0.0;
      const double lr = linear_schedule_lr(st.step, total, warmup, o.lr);
      opt.step(lr);
      ++st.step;
      const bool epoch_end = b >= static_cast<int64_t>(batches.size());
      st.epoch = epoch_end ? epoch + 1 : epoch;
      st.next_batch = epoch_end ? 0 : b;
      run_loss += loss_sum;
      ++run_n;

      const double dt = std::chrono::duration<double>(Clock::now() - run_t0).count();
      const double tps = dt > 0 ? run_tokens / dt : 0;
      bar.set_suffix(cat("loss ", std::round(run_loss / run_n * 1e4) / 1e4, " lr ", lr, " ",
                         static_cast<int64_t>(tps), " tok/s"));
      bar.set(static_cast<uint64_t>(st.step));
      if (st.step % o.log_every == 0 || epoch_end) {
        mlog.append(nlohmann::json{{"kind", "train"}, {"step", st.step}, {"epoch", epoch},
                                   {"loss", run_loss / run_n}, {"lr", lr}, {"grad_norm", gnorm},
                                   {"tokens_per_s", tps}, {"elapsed_s", elapsed()}}.dump());
        res.train_losses.emplace_back(st.step, run_loss / run_n);
        res.tokens_per_s = tps;
        run_loss = 0;
        run_n = 0;
        run_tokens = 0;
        run_t0 = Clock::now();
      }
      if ((o.eval_every > 0 && st.step % o.eval_every == 0) || epoch_end) do_eval(epoch);
      const bool interrupted = interrupt_requested() || (o.stop_at_step > 0 && st.step == o.stop_at_step);
      if (interrupted || st.step % save_every == 0 || epoch_end || stop) {
        st.elapsed_s = elapsed();
        save_checkpoint(ckpt_dir, *model, opt, st);
      }
      if (interrupted) {
        log_info(cat("interrupted: checkpoint saved at step ", st.step, " in ", ckpt_dir,
                     "; continue with --resume"));
        res.interrupted = stop = true;
      }
    }
  }
  bar.finish();
  res.steps = st.step;
  res.best_step = st.best_step;
  res.best_eval = st.best_eval;
  if (!res.interrupted && o.write_last) save_model_folder(join_path(o.out_dir, "last"), *model, o.model_dir);
  write_loss_plot(mlog.path(), join_path(o.out_dir, "curves.svg"));
  res.wall_s = elapsed();
  if (res.tokens_per_s == 0 && run_n > 0) {
    const double dt = std::chrono::duration<double>(Clock::now() - run_t0).count();
    res.tokens_per_s = dt > 0 ? run_tokens / dt : 0;
  }
  set_interrupt_requested(false);
  return res;
}

}  // namespace bertq::train
