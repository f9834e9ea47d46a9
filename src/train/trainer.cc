// The classifier's part of training (see trainer.h): data -> tokens, the collation, loss
// (bf16 autocast optional) and evaluation that train/loop.h runs, the best / last folders.
#include "train/trainer.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "data/dataset.h"
#include "data/label_map.h"
#include "text/tokenization_recipe.h"
#include "text/tokenizer.h"
#include "train/batching.h"
#include "train/bert_model.h"
#include "train/checkpoint.h"
#include "train/dist/process_group.h"
#include "train/dist/rendezvous.h"
#include "train/loop.h"
#include "train/torch_runtime.h"

namespace bertq::train {

namespace {

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
  ro.on_bad_row =
      skip_bad_rows ? data::ReadOptions::OnBadRow::SKIP : data::ReadOptions::OnBadRow::ERROR;
  data::Dataset ds = data::load_dataset(spec, ro, limit, seed);
  data::map_labels(ds, cfg.id2label);
  for (const auto& ex : ds.examples)
    check(ex.label >= 0 && ex.label < cfg.num_labels(), ErrorCode::INVALID_ARGUMENT, spec,
          ": example ", ex.id, " has no label (label \"", ex.label_name,
          "\"); training needs labelled data");
  if (ds.bad_rows > 0) log_warn(cat(spec, ": skipped ", ds.bad_rows, " malformed rows"));
  check(!ds.examples.empty(), ErrorCode::INVALID_ARGUMENT, spec, ": no examples");
  return ds;
}

// Pads the batch to its longest row (train/loop.h pad_rows); labels [B]; on `dev`.
MicroBatch collate(const Tokenized& d, const std::vector<size_t>& idx, int32_t pad,
                   const c10::Device& dev) {
  MicroBatch out = pad_rows(d.ids, idx, pad);
  out.labels = torch::empty({static_cast<int64_t>(idx.size())}, torch::kLong);
  auto labels = out.labels.accessor<int64_t, 1>();
  for (size_t r = 0; r < idx.size(); ++r) labels[static_cast<int64_t>(r)] = d.labels[idx[r]];
  to_device(out, dev);
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

// `g`: the ranks split the batches, then sum the predictions (each made by one rank, 0
// elsewhere) and the loss.
EvalMetrics evaluate(BertClassifierImpl& m, const Tokenized& d, int batch_size, bool bf16,
                     int32_t pad, const c10::Device& dev, DistGroup* g) {
  torch::NoGradGuard ng;
  m.eval();
  std::vector<int32_t> pred(d.size()), gold(d.labels);
  double loss_sum = 0;
  const auto batches = sorted_batches(d.lengths, static_cast<size_t>(batch_size));
  for (size_t i = 0; i < batches.size(); ++i) {
    if (!evaluates(g, i)) continue;
    const auto& idx = batches[i];
    MicroBatch b = collate(d, idx, pad, dev);
    torch::Tensor logits;
    {
      AutocastScope ac(bf16, dev);
      logits = m.forward(b.ids, b.types, b.mask);
    }
    logits = logits.to(torch::kFloat);
    loss_sum += torch::cross_entropy_loss(logits, b.labels, {}, at::Reduction::Sum).item<double>();
    auto am = logits.argmax(1).to(torch::kCPU);
    for (size_t r = 0; r < idx.size(); ++r)
      pred[idx[r]] = static_cast<int32_t>(am[r].item<int64_t>());
  }
  if (g) {
    torch::Tensor p = torch::tensor(std::vector<int64_t>(pred.begin(), pred.end()), torch::kLong);
    g->sum(p);
    const int64_t* summed = p.data_ptr<int64_t>();
    for (size_t i = 0; i < pred.size(); ++i) pred[i] = static_cast<int32_t>(summed[i]);
    std::vector<double> l{loss_sum};
    g->sum(l);
    loss_sum = l[0];
  }
  EvalMetrics e = classification_metrics(pred, gold, static_cast<int>(m.config_.num_labels()));
  e.loss = d.size() > 0 ? loss_sum / d.size() : 0;
  return e;
}

void validate(const TrainOptions& o) {
  auto need = [](bool ok, const std::string& msg) { check(ok, ErrorCode::INVALID_ARGUMENT, msg); };
  need(!o.model_dir.empty(), "--model is required");
  need(!o.train_path.empty(), "--train is required");
  need(!o.out_dir.empty(), "--out is required");
  validate_loop_options(o, {"accuracy", "macro_f1", "loss"});
  need(o.validation_split >= 0 && o.validation_split < 1, "--validation-split: must be in [0, 1)");
  need(o.eval_path.empty() || o.validation_split == 0,
       "--eval and --validation-split exclude each other");
  need(o.recipe.truncation != text::Truncation::LONGEST_FIRST,
       "--truncation: expected head, tail or head+tail (longest_first is for text pairs)");
  need(o.recipe.head_tokens >= 0, cat("--head-tokens: must be >= 0, got ", o.recipe.head_tokens));
  need(o.recipe.max_length >= text::TokenizationRecipe::kMinTrainedMaxLength,
       cat("--max-length: must be > 2 ([CLS] and [SEP] included), got ", o.recipe.max_length));
}

// How texts are tokenized for training: max_length, truncation and the head+tail split
// (head_tokens 0 = a quarter of the content budget). The recipe is recorded in `cfg` so the
// written config.json (best/, last/) tells predict / eval / serve to tokenize the same way
// (its "bertq" block, io/bert_config.h).
text::EncodeOptions training_encoding(const TrainOptions& o, const text::Tokenizer& tok,
                                      ModelConfig& cfg) {
  o.recipe.validate(cfg.max_position_embeddings, "--max-length");
  // head_tokens 0: a quarter of the budget
  text::EncodeOptions eo = o.recipe.encode_options(tok);
  io::TokenizationRecipe recipe = cfg.recipe.value_or(io::TokenizationRecipe{});
  recipe.max_length = o.recipe.max_length;
  recipe.truncation = std::string(text::truncation_name(eo.truncation));
  recipe.head_tokens = eo.head_tokens;
  cfg.recipe = recipe;
  eo.replace_invalid_utf8 = o.skip_bad_rows;
  return eo;
}

}  // namespace

std::string options_to_json(const TrainOptions& o) {
  nlohmann::json j{{"model", o.model_dir},
                   {"train", o.train_path},
                   {"eval", o.eval_path},
                   {"validation_split", o.validation_split},
                   {"max_length", o.recipe.max_length},
                   {"truncation", std::string(text::truncation_name(o.recipe.truncation))},
                   {"head_tokens", o.recipe.head_tokens},
                   {"skip_bad_rows", o.skip_bad_rows},
                   {"bf16", o.bf16},
                   {"train_limit", o.train_limit},
                   {"eval_limit", o.eval_limit},
                   {"metric", o.metric},
                   {"labels", o.labels}};
  add_loop_options_json(j, o);
  return j.dump();
}

TrainResult train(const TrainOptions& o) {
  validate(o);
  const auto t_start = std::chrono::steady_clock::now();
  const DistEnv env = dist_env(o);
  const auto [threads, dev] = start_torch_run(threads_per_rank(o.threads, env), o.device);
  const std::unique_ptr<DistGroup> group = DistGroup::join(env, o.dist_timeout_s);

  ModelConfig cfg = ModelConfig::load(join_path(o.model_dir, "config.json"));
  cfg.validate(join_path(o.model_dir, "config.json"));
  if (o.dropout) {
    cfg.hidden_dropout_prob = cfg.attention_probs_dropout_prob = *o.dropout;
    cfg.classifier_dropout = *o.dropout;
  }
  // --labels other than the checkpoint's: a new classifier for them (the data maps through them).
  const bool redraw_classifier = !o.labels.empty() && o.labels != cfg.id2label;
  if (redraw_classifier) {
    cfg.id2label = o.labels;
    cfg.validate("--labels");
  }
  const text::Tokenizer tok = text::Tokenizer::from_folder(o.model_dir);
  check(tok.vocab_size() <= static_cast<size_t>(cfg.vocab_size), ErrorCode::INVALID_ARGUMENT,
        cat(o.model_dir, ": the tokenizer has ", tok.vocab_size(), " tokens, config vocab_size is ",
            cfg.vocab_size));
  const text::EncodeOptions eo = training_encoding(o, tok, cfg);
  const int32_t pad = tok.pad_id();
  cfg.check_tokenizer_pad(pad, o.model_dir);
  check(pad >= 0, ErrorCode::INVALID_ARGUMENT,
        cat(o.model_dir, ": the tokenizer has no [PAD] token"));

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
  load_start_weights(*model, o.model_dir, o.seed, dev, "training", [&](const std::string& path) {
    return load_weights(*model, path, redraw_classifier);
  });

  TrainResult res;
  LoopTask task{.name = "train",
                .out_dir = o.out_dir,
                .options_json = options_to_json(o),
                .lengths = &train_data.lengths,
                .model = model.ptr().get(),
                .group = group.get()};
  task.collate = [&](const std::vector<size_t>& idx, int64_t, int64_t) {
    return collate(train_data, idx, pad, dev);
  };
  task.loss = [&](const MicroBatch& b) {
    torch::Tensor logits;
    {
      AutocastScope ac(o.bf16, dev);
      logits = model->forward(b.ids, b.types, b.mask);
    }
    return MicroLoss{torch::cross_entropy_loss(logits.to(torch::kFloat), b.labels)};
  };
  task.evaluate = [&]() -> std::optional<LoopEval> {
    if (eval_data.size() == 0) return std::nullopt;
    const EvalMetrics e =
        evaluate(*model, eval_data, o.batch_size * 2, o.bf16, pad, dev, group.get());
    res.last_eval = e;
    return LoopEval{e,
                    {{"loss", e.loss},
                     {"accuracy", e.accuracy},
                     {"macro_f1", e.macro_f1},
                     {"examples", e.examples}},
                    cat("loss ", e.loss, " accuracy ", e.accuracy, " macro-F1 ", e.macro_f1)};
  };
  task.on_best = [&] { save_model_folder(join_path(o.out_dir, "best"), *model, o.model_dir); };
  if (o.write_last)
    task.save_last = [&] { save_model_folder(join_path(o.out_dir, "last"), *model, o.model_dir); };
  static_cast<LoopResult&>(res) = run_loop(o, task, t_start);
  return res;
}

}  // namespace bertq::train
