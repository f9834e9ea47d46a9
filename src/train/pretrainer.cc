// The masked LM's part of pre-training (see pretrainer.h): text -> packed sequences, and for
// train/loop.h the collation with BERT masking (seeded by epoch and batch), the
// BertForMaskedLM loss and the evaluation on held-out sequences with fixed masking; OUT/last.
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
#include "core/log.h"
#include "core/thread_pool.h"
#include "text/tokenizer.h"
#include "train/batching.h"
#include "train/bert_mlm.h"
#include "train/checkpoint.h"
#include "train/dist/process_group.h"
#include "train/dist/rendezvous.h"
#include "train/loop.h"
#include "train/masking.h"
#include "train/mlm_data.h"
#include "train/torch_runtime.h"

namespace bertq::train {

namespace {

// Masking stream of the evaluation batches: the same every evaluation, apart from training's.
constexpr uint64_t kEvalEpoch = ~0ULL;

struct Sequences {
  std::vector<std::vector<int32_t>> ids;
  std::vector<int> lengths;
  size_t size() const { return ids.size(); }
};

// Pads to the longest row (train/loop.h pad_rows), then masks (ids rewritten, labels -100
// where not chosen; units = the chosen tokens) on the CPU with the Masker's seeded stream;
// then moves the tensors to `dev`.
MicroBatch collate_masked(const Sequences& d, const std::vector<size_t>& idx, int32_t pad,
                          const Masker& masker, uint64_t seed, uint64_t epoch, uint64_t batch,
                          const c10::Device& dev) {
  MicroBatch out = pad_rows(d.ids, idx, pad);
  out.labels = torch::empty_like(out.ids);
  out.units = masker.apply(out.ids.data_ptr<int64_t>(), out.labels.data_ptr<int64_t>(),
                           out.mask.data_ptr<int64_t>(), out.ids.numel(), seed, epoch, batch);
  to_device(out, dev);
  return out;
}

// `g`: the ranks split the batches and sum the figures.
MlmEval evaluate_mlm(BertForMaskedLMImpl& m, const Sequences& d, int batch_size, int32_t pad,
                     const Masker& masker, uint64_t seed, const c10::Device& dev, DistGroup* g) {
  torch::NoGradGuard ng;
  m.eval();
  MlmEval e;
  double loss_sum = 0;
  int64_t correct = 0;
  const auto batches = sorted_batches(d.lengths, static_cast<size_t>(batch_size));
  for (size_t i = 0; i < batches.size(); ++i) {
    if (!evaluates(g, i)) continue;
    MicroBatch b = collate_masked(d, batches[i], pad, masker, seed, kEvalEpoch, i, dev);
    if (b.units == 0) continue;
    MlmOutput out = m.forward(b.ids, b.types, b.mask, b.labels);
    loss_sum += out.loss.item<double>() * static_cast<double>(out.chosen);
    correct += out.correct;
    e.tokens += out.chosen;
  }
  if (g) {
    std::vector<double> sums{loss_sum, static_cast<double>(correct), static_cast<double>(e.tokens)};
    g->sum(sums);
    loss_sum = sums[0];
    correct = static_cast<int64_t>(sums[1]);
    e.tokens = static_cast<int64_t>(sums[2]);
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
  validate_loop_options(o, {"loss", "accuracy"});
  need(o.mlm_prob > 0 && o.mlm_prob < 1, cat("--mlm-prob: must be in (0, 1), got ", o.mlm_prob));
  need(o.validation_split >= 0 && o.validation_split < 1, "--validation-split: must be in [0, 1)");
  need(o.max_length > 2,
       cat("--max-length: must be > 2 ([CLS] and [SEP] included), got ", o.max_length));
  need(o.min_tokens >= 1, cat("--min-tokens: must be >= 1, got ", o.min_tokens));
}

// (train, eval): a seeded shuffle of the sequences; the first round(fraction * n) are held out
// (at least one when fraction > 0). Both keep the corpus order.
std::pair<Sequences, Sequences> split_sequences(MlmCorpus&& c, double fraction, uint64_t seed) {
  const size_t n = c.size();
  size_t n_eval =
      fraction > 0 ? std::max<size_t>(1, static_cast<size_t>(std::llround(fraction * n))) : 0;
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
  nlohmann::json j{{"model", o.model_dir},
                   {"data", o.data},
                   {"max_length", o.max_length},
                   {"min_tokens", o.min_tokens},
                   {"mlm_prob", o.mlm_prob},
                   {"limit", o.limit},
                   {"skip_bad_rows", o.skip_bad_rows},
                   {"validation_split", o.validation_split}};
  add_loop_options_json(j, o);
  return j.dump();
}

PretrainResult pretrain(const PretrainOptions& o) {
  validate(o);
  const auto t_start = std::chrono::steady_clock::now();
  const DistEnv env = dist_env(o);
  const auto [threads, dev] = start_torch_run(threads_per_rank(o.threads, env), o.device);
  const std::unique_ptr<DistGroup> group = DistGroup::join(env, o.dist_timeout_s);

  const std::string cfg_path = join_path(o.model_dir, "config.json");
  ModelConfig cfg = ModelConfig::load(cfg_path);
  cfg.validate(cfg_path);
  check(cfg.arch == io::Arch::BERT, ErrorCode::UNSUPPORTED, cfg_path, ": model_type \"",
        io::arch_spec(cfg.arch).model_type,
        "\": pretrain (masked-language modelling) builds BERT's MLM head only; fine-tune this "
        "architecture with `bertq train`");
  if (o.dropout) cfg.hidden_dropout_prob = cfg.attention_probs_dropout_prob = *o.dropout;
  const text::Tokenizer tok = text::Tokenizer::from_folder(o.model_dir);
  check(tok.vocab_size() <= static_cast<size_t>(cfg.vocab_size), ErrorCode::INVALID_ARGUMENT,
        o.model_dir, ": the tokenizer has ", tok.vocab_size(), " tokens, config vocab_size is ",
        cfg.vocab_size);
  check(o.max_length <= cfg.max_position_embeddings, ErrorCode::INVALID_ARGUMENT, "--max-length ",
        o.max_length, " exceeds max_position_embeddings ", cfg.max_position_embeddings);
  const int32_t pad = tok.pad_id();
  check(pad >= 0 && tok.mask_id() >= 0 && tok.cls_id() >= 0 && tok.sep_id() >= 0,
        ErrorCode::INVALID_ARGUMENT, o.model_dir,
        ": the tokenizer needs [PAD], [MASK], [CLS] and [SEP]");
  MaskingOptions mo;
  mo.prob = o.mlm_prob;
  mo.mask_id = tok.mask_id();
  mo.vocab_size = static_cast<int64_t>(tok.vocab_size());
  mo.special_ids = {tok.cls_id(), tok.sep_id(), pad, tok.mask_id()};
  if (tok.unk_id() >= 0) mo.special_ids.push_back(tok.unk_id());
  const Masker masker(mo);

  ThreadPool pool(threads);
  auto split = split_sequences(load_mlm_corpus(o.data, tok, o.max_length, o.min_tokens, o.limit,
                                               o.seed, o.skip_bad_rows, pool),
                               o.validation_split, o.seed);
  const Sequences train_data = std::move(split.first), eval_data = std::move(split.second);
  log_info(cat("pre-training on ", train_data.size(), " sequences (", eval_data.size(),
               " held out), max length ", o.max_length, ", threads ", threads));

  torch::manual_seed(o.seed);
  BertForMaskedLM model(cfg);
  init_bert_parameters(*model, cfg, o.seed);
  load_start_weights(*model, o.model_dir, o.seed, dev, "pre-training",
                     [&](const std::string& path) { return load_mlm_weights(*model, path); });

  PretrainResult res;
  res.sequences = train_data.size();
  res.eval_sequences = eval_data.size();
  LoopTask task{.name = "pretrain",
                .out_dir = o.out_dir,
                .options_json = pretrain_options_to_json(o),
                .lengths = &train_data.lengths,
                .model = model.ptr().get(),
                .group = group.get()};
  task.collate = [&](const std::vector<size_t>& idx, int64_t epoch, int64_t batch) {
    return collate_masked(train_data, idx, pad, masker, o.seed, static_cast<uint64_t>(epoch),
                          static_cast<uint64_t>(batch), dev);
  };
  task.loss = [&](const MicroBatch& b) {
    const MlmOutput out = model->forward(b.ids, b.types, b.mask, b.labels);
    return MicroLoss{out.loss, out.correct};
  };
  task.evaluate = [&]() -> std::optional<LoopEval> {
    if (eval_data.size() == 0) return std::nullopt;
    const MlmEval e =
        evaluate_mlm(*model, eval_data, o.batch_size * 2, pad, masker, o.seed, dev, group.get());
    res.last_eval = e;
    EvalMetrics m;
    m.loss = e.loss;
    m.accuracy = e.accuracy;
    m.examples = e.tokens;
    return LoopEval{m,
                    {{"loss", e.loss}, {"accuracy", e.accuracy}, {"examples", e.tokens}},
                    cat("masked-LM loss ", e.loss, " accuracy ", e.accuracy, " on ", e.tokens,
                        " masked tokens")};
  };
  task.save_last = [&] { save_mlm_folder(join_path(o.out_dir, "last"), *model, o.model_dir); };
  task.accuracy_field = "mlm_accuracy";
  static_cast<LoopResult&>(res) = run_loop(o, task, t_start);
  return res;
}

}  // namespace bertq::train
