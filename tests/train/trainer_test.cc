// End-to-end trainer tests on a tiny random BERT and a few hundred IMDB reviews:
// the training loss falls; an interrupted + resumed run equals an uninterrupted one
// bit for bit (same thread count; fp32); the saved folders load back with the same logits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstring>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/model_folder.h"
#include "io/safetensors.h"
#include "train/batching.h"
#include "train/bert_model.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace bertq::train {
namespace {

using bertq::testing::TempDir;

// A from-scratch model folder: config.json + the real vocab, no weights.
std::string make_tiny_model(const TempDir& tmp, const std::string& vocab) {
  const std::string dir = tmp.file("model");
  make_dirs(dir);
  ModelConfig c;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = 128;
  c.id2label = {"NEGATIVE", "POSITIVE"};
  c.save(dir + "/config.json");
  write_file_atomic(dir + "/vocab.txt", read_file(vocab));
  return dir;
}

TrainOptions tiny_options(const std::string& model, const std::string& data,
                          const std::string& out) {
  TrainOptions o;
  o.model_dir = model;
  o.train_path = data;
  o.out_dir = out;
  o.epochs = 3;
  o.lr = 1e-3;
  o.batch_size = 16;
  o.recipe.max_length = 64;
  o.train_limit = 320;
  o.validation_split = 0.1;
  o.threads = 2;
  o.progress = false;
  o.log_every = 4;
  o.save_every = 7;
  return o;
}

TEST(Trainer, LossFallsOnImdbSubset) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_options(make_tiny_model(tmp, vocab), data, tmp.file("run"));
  // From scratch the loss sits at ln 2 for ~40 steps before it falls: 10 epochs of 9 steps.
  o.train_limit = 160;
  o.epochs = 10;
  o.lr = 2e-3;
  o.dropout = 0.0;
  const TrainResult r = train(o);
  ASSERT_EQ(r.steps, 10 * 9);  // 144 training examples / 16
  ASSERT_GE(r.train_losses.size(), 10u);
  const double first = r.train_losses.front().second, last = r.train_losses.back().second;
  std::printf("train loss %.4f -> %.4f, eval accuracy %.3f\n", first, last, r.last_eval.accuracy);
  EXPECT_LT(last, first - 0.3) << "the training loss did not fall";
  for (const char* f : {"metrics.jsonl", "curves.svg", "best/model.safetensors", "best/config.json",
                        "best/vocab.txt", "last/model.safetensors", "checkpoint/state.json"})
    EXPECT_TRUE(file_exists(tmp.file("run/") + f)) << f;
  // The saved folder loads back into a model with identical parameters.
  BertClassifier m(ModelConfig::load(tmp.file("run/last/config.json")));
  ASSERT_TRUE(load_weights(*m, tmp.file("run/last/model.safetensors")).empty());
  EXPECT_EQ(ModelConfig::load(tmp.file("run/last/config.json")).id2label[1], "POSITIVE");
  // The engine's loader (src/io) reads the folder: same config, every tensor from the file.
  const auto folder = io::ModelFolder::load(tmp.file("run/last"));
  EXPECT_EQ(folder.config.hidden_size, 32);
  EXPECT_EQ(folder.config.num_labels(), 2);
  EXPECT_TRUE(folder.weights.missing_head().empty());
  EXPECT_TRUE(folder.has_tokenizer());
  for (const auto& p : m->named_parameters()) {
    const float* w = folder.weights.f32(p.key());
    auto t = p.value().contiguous();
    EXPECT_TRUE(bertq::testing::all_close(w, t.data_ptr<float>(), t.numel(), 0, 0)) << p.key();
  }
}

TEST(Trainer, ResumeIsBitIdentical) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  const std::string model = make_tiny_model(tmp, vocab);
  auto o = tiny_options(model, data, tmp.file("full"));
  o.epochs = 2;
  o.grad_accum = 2;  // resume mid-accumulation boundaries too
  const TrainResult full = train(o);

  auto p = o;
  p.out_dir = tmp.file("parts");
  p.stop_at_step = 5;  // mid-epoch (9 steps per epoch), as a Ctrl-C would
  const TrainResult part1 = train(p);
  EXPECT_TRUE(part1.interrupted);
  EXPECT_EQ(part1.steps, 5);
  p.resume = true;
  p.stop_at_step = 12;  // past the end-of-epoch evaluation at step 9
  const TrainResult part2 = train(p);
  EXPECT_EQ(part2.steps, 12);
  EXPECT_EQ(part2.best_step, 9);
  ASSERT_GT(part2.best_eval.examples, 0);
  // A resumed run without a new evaluation still reports the best evaluation so far.
  p.stop_at_step = 13;
  const TrainResult part3 = train(p);
  EXPECT_EQ(part3.best_step, 9);
  EXPECT_EQ(part3.best_eval.examples, part2.best_eval.examples);
  EXPECT_EQ(part3.best_eval.accuracy, part2.best_eval.accuracy);
  EXPECT_EQ(part3.best_eval.loss, part2.best_eval.loss);
  p.stop_at_step = 0;
  const TrainResult part4 = train(p);
  EXPECT_EQ(part4.steps, full.steps);
  EXPECT_EQ(part4.best_step, full.best_step);
  EXPECT_EQ(part4.best_eval.accuracy, full.best_eval.accuracy);
  EXPECT_EQ(part4.best_eval.loss, full.best_eval.loss);

  io::SafeTensorsFile a(tmp.file("full/last/model.safetensors")),
      b(tmp.file("parts/last/model.safetensors"));
  ASSERT_EQ(a.tensors().size(), b.tensors().size());
  for (const auto& t : a.tensors()) {
    const io::TensorView& u = b.get(t.name);
    ASSERT_EQ(t.nbytes, u.nbytes) << t.name;
    EXPECT_EQ(0, std::memcmp(t.data, u.data, t.nbytes)) << t.name << " differs after resume";
  }
  EXPECT_EQ(full.last_eval.accuracy, part4.last_eval.accuracy);
  EXPECT_EQ(full.last_eval.loss, part4.last_eval.loss);
  // Resuming a different configuration is refused.
  auto q = p;
  q.lr = 5e-4;
  EXPECT_THROW(train(q), Error);
}

// --max-steps (from the shared loop) ends the classifier's schedule there: 4 of 3 x 18 steps,
// evaluated, checkpointed and OUT/last written at step 4.
TEST(Trainer, MaxStepsEndsTheRun) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  auto o = tiny_options(make_tiny_model(tmp, vocab), data, tmp.file("run"));
  o.max_steps = 4;
  const TrainResult r = train(o);
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(r.total_steps, 4);
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.best_step, 4);
  EXPECT_GT(r.last_eval.examples, 0);
  EXPECT_TRUE(file_exists(tmp.file("run/last/model.safetensors")));
  EXPECT_EQ(nlohmann::json::parse(read_file(tmp.file("run/checkpoint/state.json"))).at("step"), 4);
}

// --labels: a checkpoint whose head has other labels gets a new classifier for them (the saved
// folder names them and the engine loads it); the same labels keep the checkpoint's head; a
// repeated name is an error naming --labels.
TEST(Trainer, LabelsDrawAHeadForOtherLabels) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  // Two steps from MODEL with LABELS into tmp/OUT (lr 1e-12 keeps the weights as they start).
  auto run = [&](const std::string& model, const std::string& out,
                 const std::vector<std::string>& labels, double lr) {
    auto o = tiny_options(model, data, tmp.file(out));
    o.max_steps = 2;
    o.validation_split = 0;
    o.lr = lr;
    o.labels = labels;
    train(o);
    return io::ModelFolder::load(tmp.file(out + "/last"));
  };
  const auto two = run(make_tiny_model(tmp, vocab), "two", {}, 1e-3);
  const std::vector<std::string> three = {"bad", "good", "mixed"};
  const auto three_run = run(tmp.file("two/last"), "three", three, 1e-3);
  EXPECT_EQ(three_run.config.id2label, three);
  EXPECT_EQ(three_run.weights.find("classifier.weight")->shape, (std::vector<int64_t>{3, 32}));
  // The checkpoint's own labels: its head is read, not drawn.
  const auto same = run(tmp.file("two/last"), "same", {"NEGATIVE", "POSITIVE"}, 1e-12);
  EXPECT_TRUE(bertq::testing::all_close(two.weights.f32("classifier.weight"),
                                        same.weights.f32("classifier.weight"), 2 * 32, 1e-6, 0));
  try {
    run(tmp.file("two/last"), "dup", {"a", "a"}, 1e-3);
    ADD_FAILURE() << "repeated label accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--labels"), std::string::npos) << e.what();
  }
}

// transformers' get_linear_schedule_with_warmup with t = updates done before this one:
// t / warmup during warmup (0 for the first update), then (total - t) / (total - warmup).
TEST(Schedule, MatchesTransformersLinearWarmup) {
  const double base = 2e-5;
  const int64_t total = 10, warmup = 4;
  for (int64_t t = 0; t <= total; ++t) {
    const double want = t < warmup ? double(t) / double(warmup)
                                   : std::max(0.0, double(total - t) / double(total - warmup));
    EXPECT_DOUBLE_EQ(linear_schedule_lr(t, total, warmup, base), base * want) << "step " << t;
  }
  EXPECT_EQ(linear_schedule_lr(0, total, warmup, base), 0.0);  // HF's first update uses lr 0
  EXPECT_DOUBLE_EQ(linear_schedule_lr(4, total, warmup, base), base);  // the peak
  // No warmup: decay from base at t = 0; past the end: 0, never negative.
  EXPECT_DOUBLE_EQ(linear_schedule_lr(0, total, 0, base), base);
  EXPECT_DOUBLE_EQ(linear_schedule_lr(5, total, 0, base), base / 2);
  EXPECT_EQ(linear_schedule_lr(12, total, 0, base), 0.0);
}

TEST(Trainer, BadOptionsAreErrors) {
  TrainOptions o;
  o.model_dir = "/nonexistent";
  o.train_path = "x.jsonl";
  o.out_dir = "/tmp/x";
  o.recipe.truncation = text::Truncation::LONGEST_FIRST;  // for text pairs only
  EXPECT_THROW(train(o), Error);
  o.recipe.truncation = text::Truncation::HEAD;
  o.recipe.head_tokens = -1;
  EXPECT_THROW(train(o), Error);
  o.recipe.head_tokens = 0;
  o.batch_size = 0;
  EXPECT_THROW(train(o), Error);
}

}  // namespace
}  // namespace bertq::train
