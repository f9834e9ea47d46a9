// Masked-LM pre-training: BERT masking statistics and determinism, the tied decoder, the loss
// against an HF-style full-vocabulary computation, the loss falling on a few hundred IMDB
// reviews, the pre-trained folder loading into `train`, and exact resume.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/safetensors.h"
#include "train/bert_mlm.h"
#include "train/masking.h"
#include "train/mlm_data.h"
#include "train/pretrainer.h"
#include "train/trainer.h"

namespace bertq::train {
namespace {

using bertq::testing::TempDir;

ModelConfig tiny_config() {
  ModelConfig c;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = 128;
  c.id2label = {"NEGATIVE", "POSITIVE"};
  return c;
}

std::string make_tiny_model(const TempDir& tmp, const std::string& vocab) {
  const std::string dir = tmp.file("model");
  make_dirs(dir);
  tiny_config().save(dir + "/config.json");
  write_file_atomic(dir + "/vocab.txt", read_file(vocab));
  return dir;
}

PretrainOptions tiny_pretrain(const std::string& model, const std::string& data,
                              const std::string& out) {
  PretrainOptions o;
  o.model_dir = model;
  o.data = {data};
  o.out_dir = out;
  o.max_length = 64;
  o.limit = 200;
  o.batch_size = 32;
  o.lr = 5e-3;
  o.warmup_ratio = 0.1;
  o.threads = 2;
  o.progress = false;
  o.log_every = 5;
  o.save_every = 7;
  o.validation_split = 0.05;
  return o;
}

// 200k positions of random ids with [CLS]/[SEP] at the ends and padding: the chosen fraction
// is 0.15 and the 80/10/10 split holds within 5 standard deviations; special and padded
// positions are never chosen; the same (seed, epoch, batch) masks identically.
TEST(Masking, StatisticsSpecialTokensAndSeed) {
  const int64_t rows = 1600, t = 128, n = rows * t, vocab = 30522;
  const int64_t cls = 101, sep = 102, pad = 0, mask_id = 103;
  MaskingOptions mo;
  mo.mask_id = mask_id;
  mo.vocab_size = vocab;
  mo.special_ids = {cls, sep, pad, mask_id, 100};
  const Masker masker(mo);
  std::vector<int64_t> ids(n), attn(n), labels(n);
  std::mt19937_64 rng(7);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t len = 16 + static_cast<int64_t>(rng() % (t - 16));
    for (int64_t k = 0; k < t; ++k) {
      const int64_t i = r * t + k;
      attn[i] = k < len;
      ids[i] = k == 0         ? cls
               : k == len - 1 ? sep
               : k >= len     ? pad
                              : 1000 + static_cast<int64_t>(rng() % 29000);
    }
  }
  auto masked = ids;
  const int64_t chosen = masker.apply(masked.data(), labels.data(), attn.data(), n, 42, 3, 5);
  int64_t maskable = 0, as_mask = 0, as_random = 0, kept = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool special = ids[i] == cls || ids[i] == sep || attn[i] == 0;
    if (special) {
      ASSERT_EQ(labels[i], kIgnoreLabel) << "special or padded position " << i << " was chosen";
      ASSERT_EQ(masked[i], ids[i]) << "special or padded position " << i << " was changed";
      continue;
    }
    ++maskable;
    if (labels[i] == kIgnoreLabel) {
      ASSERT_EQ(masked[i], ids[i]) << "an unchosen position changed at " << i;
      continue;
    }
    ASSERT_EQ(labels[i], ids[i]) << "the label is not the original token at " << i;
    if (masked[i] == mask_id)
      ++as_mask;
    else if (masked[i] == ids[i])
      ++kept;
    else
      ++as_random;
  }
  ASSERT_EQ(chosen, as_mask + as_random + kept);
  const double p = double(chosen) / maskable;
  const double sd = std::sqrt(0.15 * 0.85 / maskable);
  std::printf("maskable %lld, chosen %.4f, [MASK] %.4f, random %.4f, kept %.4f\n",
              static_cast<long long>(maskable), p, double(as_mask) / chosen,
              double(as_random) / chosen, double(kept) / chosen);
  EXPECT_NEAR(p, 0.15, 5 * sd);
  const double sd8 = std::sqrt(0.8 * 0.2 / chosen), sd1 = std::sqrt(0.1 * 0.9 / chosen);
  EXPECT_NEAR(double(as_mask) / chosen, 0.8, 5 * sd8);
  EXPECT_NEAR(double(as_random) / chosen, 0.1, 5 * sd1);
  EXPECT_NEAR(double(kept) / chosen, 0.1, 5 * sd1);

  // Deterministic in (seed, epoch, batch); another batch index gives another mask.
  auto again = ids;
  std::vector<int64_t> labels2(n);
  EXPECT_EQ(masker.apply(again.data(), labels2.data(), attn.data(), n, 42, 3, 5), chosen);
  EXPECT_EQ(again, masked);
  EXPECT_EQ(labels2, labels);
  auto other = ids;
  masker.apply(other.data(), labels2.data(), attn.data(), n, 42, 3, 6);
  EXPECT_NE(labels2, labels);

  // Bad settings are errors naming the option.
  MaskingOptions bad = mo;
  bad.prob = 1.5;
  EXPECT_THROW(Masker{bad}, Error);
  bad = mo;
  bad.mask_id = vocab;
  EXPECT_THROW(Masker{bad}, Error);
}

TEST(MlmData, PacksTextsIntoWindows) {
  MlmCorpus c;
  std::vector<int32_t> text(25);
  for (int i = 0; i < 25; ++i) text[i] = 1000 + i;
  pack_text(text, 12, 3, 101, 102, c);  // windows of 10: 10, 10, 5
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.lengths, (std::vector<int>{12, 12, 7}));
  EXPECT_EQ(c.sequences[1].front(), 101);
  EXPECT_EQ(c.sequences[1][1], 1010);
  EXPECT_EQ(c.sequences[2].back(), 102);
  EXPECT_EQ(c.tokens, 25u);
  std::vector<int32_t> text2(21, 7);  // 10, 10, then a 1-token tail < min_tokens: dropped
  pack_text(text2, 12, 3, 101, 102, c);
  EXPECT_EQ(c.size(), 5u);
  std::vector<int32_t> short_text(2, 7);  // a whole short text is kept
  pack_text(short_text, 12, 3, 101, 102, c);
  EXPECT_EQ(c.size(), 6u);
  EXPECT_EQ(c.lengths.back(), 4);
}

// The decoder is the word-embedding matrix: no separate parameter, the logits are h·Eᵀ + b,
// a vocabulary row never seen in the input gets a gradient through the decoder only, and the
// loss equals HF's full-vocabulary cross-entropy with ignore_index -100.
TEST(MaskedLm, TiedDecoderAndLoss) {
  torch::manual_seed(3);
  ModelConfig c = tiny_config();
  c.vocab_size = 50;
  BertForMaskedLM m(c);
  init_bert_parameters(*m, c, 5);
  m->set_dropout({0, 0, 0});
  std::set<std::string> names;
  for (const auto& p : m->named_parameters()) names.insert(p.key());
  EXPECT_TRUE(names.count("cls.predictions.bias"));
  EXPECT_TRUE(names.count("cls.predictions.transform.dense.weight"));
  EXPECT_TRUE(names.count("cls.predictions.transform.LayerNorm.weight"));
  EXPECT_FALSE(names.count("cls.predictions.decoder.weight"));
  EXPECT_FALSE(names.count("bert.pooler.dense.weight"));
  // Input ids from 1..39 only: rows 40..49 of E are used by the decoder alone.
  auto ids = torch::randint(1, 40, {3, 9}, torch::kLong);
  auto mask = torch::ones({3, 9}, torch::kLong);
  mask[2].slice(0, 6).fill_(0);
  auto types = torch::zeros({3, 9}, torch::kLong);
  auto labels = torch::full({3, 9}, kIgnoreLabel, torch::kLong);
  labels[0][2] = 45;
  labels[1][4] = 7;
  labels[2][1] = 48;
  labels[2][5] = 12;
  MlmOutput out = m->forward(ids, types, mask, labels);
  ASSERT_EQ(out.chosen, 4);
  auto full = m->all_logits(ids, types, mask);  // [B,T,V]
  auto hf_loss = torch::nn::functional::cross_entropy(
      full.reshape({-1, c.vocab_size}), labels.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel));
  EXPECT_NEAR(out.loss.item<double>(), hf_loss.item<double>(), 1e-6);
  // logits = transform(x)·Eᵀ + b at a chosen position, E being the embedding parameter itself.
  {
    torch::NoGradGuard ng;
    auto x = m->bert->sequence_output(ids, types, mask);
    auto h = m->cls->predictions->transform(x[1][4].unsqueeze(0));
    auto want = torch::matmul(h, m->bert->embeddings->word_embeddings->weight.t()) +
                m->cls->predictions->bias;
    EXPECT_TRUE(torch::allclose(full[1][4], want[0], 1e-5, 1e-6));
  }
  out.loss.backward();
  auto g = m->bert->embeddings->word_embeddings->weight.grad();
  ASSERT_TRUE(g.defined());
  EXPECT_GT(g.slice(0, 40, 50).abs().sum().item<double>(), 0)
      << "no gradient reached E through the decoder";
  EXPECT_GT(g[45].abs().sum().item<double>(), 0);

  // Saved once: the file holds exactly the parameters, no decoder copy.
  TempDir tmp;
  save_module_weights(*m, tmp.file("m.safetensors"));
  io::SafeTensorsFile f(tmp.file("m.safetensors"));
  EXPECT_EQ(f.tensors().size(), names.size());
  EXPECT_EQ(f.find("cls.predictions.decoder.weight"), nullptr);
  // Loading it back into a fresh model reproduces the loss.
  BertForMaskedLM m2(c);
  m2->set_dropout({0, 0, 0});
  EXPECT_TRUE(load_mlm_weights(*m2, tmp.file("m.safetensors")).empty());
  EXPECT_DOUBLE_EQ(m2->forward(ids, types, mask, labels).loss.item<double>(),
                   out.loss.item<double>());
}

TEST(Pretrain, LossFallsOnImdbSubset) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_pretrain(make_tiny_model(tmp, vocab), data, tmp.file("run"));
  o.limit = 300;
  o.max_steps = 30;
  o.eval_every = 15;
  const PretrainResult r = pretrain(o);
  ASSERT_EQ(r.steps, 30);
  ASSERT_GE(r.train_losses.size(), 4u);
  const double first = r.train_losses.front().second, last = r.train_losses.back().second;
  std::printf("%zu sequences, masked-LM loss %.3f -> %.3f, held-out %.3f (accuracy %.3f)\n",
              r.sequences, first, last, r.last_eval.loss, r.last_eval.accuracy);
  EXPECT_GT(first, 9.0) << "a random model should start near ln(30522) = 10.3";
  EXPECT_LT(last, first - 2.0) << "the masked-LM loss did not fall";
  EXPECT_LT(r.last_eval.loss, first - 2.0);
  EXPECT_GT(r.last_eval.tokens, 100);
  for (const char* f : {"metrics.jsonl", "curves.svg", "last/model.safetensors", "last/config.json",
                        "last/vocab.txt", "checkpoint/state.json"})
    EXPECT_TRUE(file_exists(tmp.file("run/") + f)) << f;
}

// Early stopping (from the shared loop) on the held-out masked-LM loss: at lr 1e-30 every
// update is lost to float rounding, so the evaluation at step 4 equals the one at step 2 (no
// improvement) and --early-stopping 1 ends the run there, with OUT/last.
TEST(Pretrain, EarlyStoppingOnHeldOutLoss) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_pretrain(make_tiny_model(tmp, vocab), data, tmp.file("run"));
  o.limit = 80;
  o.batch_size = 8;
  o.lr = 1e-30;
  o.max_steps = 10;
  o.eval_every = 2;
  o.early_stopping = 1;
  const PretrainResult r = pretrain(o);
  EXPECT_TRUE(r.early_stopped);
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(r.total_steps, 10);
  EXPECT_EQ(r.best_step, 2);
  EXPECT_EQ(r.best_eval.loss, r.last_eval.loss);
  EXPECT_GT(r.last_eval.tokens, 0);
  EXPECT_TRUE(file_exists(tmp.file("run/last/model.safetensors")));
  auto bad = o;
  bad.out_dir = tmp.file("bad");
  bad.metric = "macro_f1";  // no F1 for the masked LM
  EXPECT_THROW(pretrain(bad), Error);
}

// pretrain -> RUN/last -> train: the classifier gets exactly the saved bert.* weights, cls.* is
// dropped, the pooler and classifier are initialised from the fine-tuning seed.
TEST(Pretrain, FolderLoadsIntoTrain) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_pretrain(make_tiny_model(tmp, vocab), data, tmp.file("pre"));
  o.limit = 64;
  o.max_steps = 3;
  o.validation_split = 0;
  pretrain(o);
  const std::string last = tmp.file("pre/last");
  auto cfg_json = nlohmann::json::parse(read_file(last + "/config.json"));
  EXPECT_EQ(cfg_json.at("architectures"), nlohmann::json::array({"BertForMaskedLM"}));
  io::SafeTensorsFile pre(last + "/model.safetensors");
  EXPECT_NE(pre.find("cls.predictions.bias"), nullptr);
  EXPECT_NE(pre.find("cls.predictions.transform.dense.weight"), nullptr);
  EXPECT_NE(pre.find("bert.embeddings.word_embeddings.weight"), nullptr);
  EXPECT_EQ(pre.find("bert.pooler.dense.weight"), nullptr);

  // What `bertq train --model pre/last` does: build, init from the seed, load.
  const ModelConfig cfg = ModelConfig::load(last + "/config.json");
  BertClassifier clf(cfg);
  init_weights(*clf, 11);
  const auto missing = load_weights(*clf, last + "/model.safetensors");
  EXPECT_EQ(std::set<std::string>(missing.begin(), missing.end()),
            (std::set<std::string>{"bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                   "classifier.weight", "classifier.bias"}));
  // One fine-tuning step at lr 0 (the first warmup update) leaves every weight as loaded.
  TrainOptions t;
  t.model_dir = last;
  t.train_path = data;
  t.out_dir = tmp.file("ft");
  t.train_limit = 32;
  t.batch_size = 32;
  t.epochs = 1;
  t.recipe.max_length = 64;
  t.seed = 11;
  t.threads = 2;
  t.progress = false;
  const TrainResult r = train(t);
  ASSERT_EQ(r.steps, 1);
  io::SafeTensorsFile ft(tmp.file("ft/last/model.safetensors"));
  for (const auto& p : clf->named_parameters()) {
    const io::TensorView* v = ft.find(p.key());
    ASSERT_NE(v, nullptr) << p.key();
    auto want = p.value().contiguous();
    ASSERT_EQ(v->nbytes, static_cast<size_t>(want.numel()) * sizeof(float)) << p.key();
    EXPECT_EQ(0, std::memcmp(v->data, want.data_ptr<float>(), v->nbytes))
        << p.key() << ": fine-tuning did not start from the pre-trained / seeded value";
    if (p.key().rfind("bert.", 0) == 0 && pre.find(p.key()) != nullptr) {
      EXPECT_EQ(0, std::memcmp(v->data, pre.get(p.key()).data, v->nbytes)) << p.key();
    }
  }
  for (const auto& v : ft.tensors()) EXPECT_NE(v.name.rfind("cls.", 0), 0u) << v.name;
}

// Stopped at step 4 (as Ctrl-C) and resumed to the end == uninterrupted, bit for bit (same
// thread count, fp32, dropout on, grad-accum 2).
TEST(Pretrain, ResumeIsBitIdentical) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_pretrain(make_tiny_model(tmp, vocab), data, tmp.file("full"));
  o.limit = 80;
  o.batch_size = 16;
  o.grad_accum = 2;
  o.max_steps = 9;
  const PretrainResult full = pretrain(o);
  ASSERT_EQ(full.steps, 9);
  auto p = o;
  p.out_dir = tmp.file("parts");
  p.stop_at_step = 4;
  const PretrainResult part1 = pretrain(p);
  EXPECT_TRUE(part1.interrupted);
  EXPECT_FALSE(file_exists(tmp.file("parts/last/model.safetensors")));
  p.resume = true;
  p.stop_at_step = 0;
  const PretrainResult part2 = pretrain(p);
  EXPECT_EQ(part2.steps, 9);
  EXPECT_EQ(part2.last_eval.loss, full.last_eval.loss);
  io::SafeTensorsFile a(tmp.file("full/last/model.safetensors")),
      b(tmp.file("parts/last/model.safetensors"));
  ASSERT_EQ(a.tensors().size(), b.tensors().size());
  for (const auto& t : a.tensors()) {
    const io::TensorView& u = b.get(t.name);
    ASSERT_EQ(t.nbytes, u.nbytes) << t.name;
    EXPECT_EQ(0, std::memcmp(t.data, u.data, t.nbytes)) << t.name << " differs after resume";
  }
  auto q = p;
  q.mlm_prob = 0.2;
  EXPECT_THROW(pretrain(q), Error);
}

}  // namespace
}  // namespace bertq::train
