// The shared training loop (train/loop.h) on a toy task: one parameter w, items that are lists
// of values, the loss of a micro-batch mean((w - value)²) over its values (its units). Checks
// the gradient-accumulation weighting for one unit per item (the classifier) and several (the
// masked LM's chosen tokens), early stopping, max_steps, max_minutes, the options checks and
// the reading of checkpoint options written before the shared loop.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "train/checkpoint.h"
#include "train/loop.h"

namespace bertq::train {
namespace {

using bertq::testing::TempDir;

struct ToyImpl : torch::nn::Module {
  ToyImpl() { w = register_parameter("w", torch::zeros({1})); }
  torch::Tensor w;
};

struct Toy {
  std::vector<std::vector<float>> items = {{1}, {2}, {3}};
  std::vector<int> lengths;
  std::shared_ptr<ToyImpl> model = std::make_shared<ToyImpl>();
  std::vector<EvalMetrics> script;  // what the evaluations return, in turn
  size_t evals = 0;
  int bests = 0, lasts = 0;

  TempDir tmp;

  LoopResult run(const LoopOptions& o) {
    return run_loop(o, task(tmp.file("run")), std::chrono::steady_clock::now());
  }
  nlohmann::json state() const {
    return nlohmann::json::parse(read_file(tmp.file("run/checkpoint/state.json")));
  }

  LoopTask task(const std::string& out_dir) {
    lengths.assign(items.size(), 4);
    LoopTask t;
    t.name = "toy";
    t.out_dir = out_dir;
    t.options_json = "{}";
    t.lengths = &lengths;
    t.model = model.get();
    t.collate = [this](const std::vector<size_t>& idx, int64_t, int64_t) {
      std::vector<float> v;
      for (size_t i : idx) v.insert(v.end(), items[i].begin(), items[i].end());
      MicroBatch b;
      b.labels = torch::tensor(v);
      b.units = static_cast<int64_t>(v.size());
      b.tokens = b.units;
      return b;
    };
    t.loss = [this](const MicroBatch& b) { return MicroLoss{(model->w - b.labels).pow(2).mean()}; };
    t.evaluate = [this]() -> std::optional<LoopEval> {
      if (evals >= script.size()) return std::nullopt;
      const EvalMetrics e = script[evals++];
      return LoopEval{e, {{"loss", e.loss}}, cat("loss ", e.loss)};
    };
    t.on_best = [this] { ++bests; };
    t.save_last = [this] { ++lasts; };
    return t;
  }
};

// Batches of one item (3 steps an epoch).
LoopOptions toy_options(int epochs) {
  LoopOptions o;
  o.epochs = epochs;
  o.batch_size = 1;
  o.lr = 0.1;
  o.warmup_ratio = 0;
  o.max_grad_norm = 0;  // the gradient is checked as computed
  o.progress = false;
  o.threads = 1;
  return o;
}

// One step of 2 micro-batches (2 items + 1 item) from w = 0: the gradient must be that of one
// batch of all the units, d/dw mean((w - v)²) = -2·mean(v), whichever items share a batch.
// With L_k / grad_accum it would not be (the pairings give -7.5, -5.5, -5 for A; -6.5,
// -5.33, -6.75 for B).
void expect_one_large_batch(const std::vector<std::vector<float>>& items, double want_grad) {
  Toy toy;
  toy.items = items;
  LoopOptions o = toy_options(1);
  o.batch_size = 2;
  o.grad_accum = 2;
  const LoopResult r = toy.run(o);
  ASSERT_EQ(r.steps, 1);
  const torch::Tensor g = toy.model->w.grad();
  ASSERT_TRUE(g.defined());
  EXPECT_NEAR(g.item<double>(), want_grad, 1e-5);
  EXPECT_EQ(toy.lasts, 1);
}

TEST(Loop, AccumulationWeighsEachExampleOnce) {  // the classifier: one unit per item
  expect_one_large_batch({{1}, {2}, {6}}, -2.0 * 3.0);
}

TEST(Loop, AccumulationWeighsEachTokenOnce) {  // the masked LM: units = chosen tokens
  expect_one_large_batch({{4}, {1, 1}, {0, 9}}, -2.0 * 3.0);  // 15 / 5 tokens
}

// Evaluated every step with losses 1.0, 0.9, 0.95, 0.9: two without improvement after step 2
// stop the run at step 4 (of 9) with a checkpoint; the best is step 2.
TEST(Loop, EarlyStoppingOnTheMetric) {
  Toy toy;
  for (double l : {1.0, 0.9, 0.95, 0.9, 0.5}) toy.script.push_back(EvalMetrics{l, 0, 0, 3});
  LoopOptions o = toy_options(3);
  o.eval_every = 1;
  o.early_stopping = 2;
  o.metric = "loss";
  const LoopResult r = toy.run(o);
  EXPECT_TRUE(r.early_stopped);
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(r.total_steps, 9);
  EXPECT_EQ(r.best_step, 2);
  EXPECT_EQ(r.best_eval.loss, 0.9);
  EXPECT_EQ(toy.bests, 2);
  EXPECT_EQ(toy.lasts, 1);
  EXPECT_EQ(toy.state().at("step"), 4);
  EXPECT_EQ(toy.state().at("best_step"), 2);
}

// max_steps 5 of 9 ends the schedule there; a max_minutes limit already passed after the first
// step (no timing involved) stops the run there. Both: a checkpoint at the stop and OUT/last.
TEST(Loop, MaxStepsAndMaxMinutesEndTheRun) {
  struct Case {
    int64_t max_steps;
    double max_minutes;
    int64_t steps, total;
    bool time_limit;
  };
  for (const Case c : {Case{5, 0, 5, 5, false}, Case{0, 1e-12, 1, 9, true}}) {
    Toy toy;
    LoopOptions o = toy_options(3);
    o.max_steps = c.max_steps;
    o.max_minutes = c.max_minutes;
    const LoopResult r = toy.run(o);
    EXPECT_EQ(r.steps, c.steps) << c.max_steps;
    EXPECT_EQ(r.total_steps, c.total) << c.max_steps;
    EXPECT_EQ(r.time_limit, c.time_limit) << c.max_steps;
    EXPECT_EQ(toy.lasts, 1) << c.max_steps;
    EXPECT_EQ(toy.state().at("step"), c.steps) << c.max_steps;
  }
}

TEST(Loop, OptionsAreChecked) {
  LoopOptions o;
  o.metric = "macro_f1";
  EXPECT_NO_THROW(validate_loop_options(o, {"accuracy", "macro_f1", "loss"}));
  EXPECT_THROW(validate_loop_options(o, {"loss", "accuracy"}), Error);  // pre-training: no F1
  o.metric = "loss";
  o.log_every = 0;
  EXPECT_THROW(validate_loop_options(o, {"loss"}), Error);
  o.log_every = 10;
  o.early_stopping = -1;
  EXPECT_THROW(validate_loop_options(o, {"loss"}), Error);
  o.early_stopping = 0;
  o.max_steps = -1;
  EXPECT_THROW(validate_loop_options(o, {"loss"}), Error);
}

// A classifier checkpoint from before the shared loop has no "max_steps": it resumes a run
// without --max-steps, not one with it; any other difference is still refused.
TEST(Loop, CheckpointOptionsFromBeforeTheSharedLoop) {
  const std::string before = R"({"epochs":3,"lr":2e-05,"metric":"accuracy"})";
  EXPECT_TRUE(
      options_json_matches(before, R"({"epochs":3,"lr":2e-05,"max_steps":0,"metric":"accuracy"})"));
  EXPECT_FALSE(
      options_json_matches(before, R"({"epochs":3,"lr":2e-05,"max_steps":5,"metric":"accuracy"})"));
  EXPECT_FALSE(
      options_json_matches(before, R"({"epochs":3,"lr":3e-05,"max_steps":0,"metric":"accuracy"})"));
  EXPECT_FALSE(
      options_json_matches(R"({"epochs":3,"lr":2e-05,"max_steps":0,"metric":"accuracy"})", before));
}

}  // namespace
}  // namespace bertq::train
