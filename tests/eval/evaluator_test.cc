// evaluate() on a tiny random model and hand-made reviews: its metrics equal those computed
// from engine::Classifier::predict directly; window mode averages the windows' logits; labels map
// through the model's id2label; predictions JSON Lines and the JSON report carry every field.
#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "eval_test_util.h"

namespace bertq::eval {
namespace {

using bertq::testing::TempDir;

TEST(Evaluator, MetricsEqualThoseFromPredict) {
  TempDir tmp;
  const engine::Classifier clf(testing::make_tiny_model(tmp.path(), "m", 11));
  const data::Dataset ds = testing::tiny_dataset();
  EvalOptions o;
  o.recipe.max_length = 12;  // several texts are cut
  o.recipe.truncation = text::Truncation::HEAD_TAIL;
  o.recipe.head_tokens = 4;
  o.batch_size = 3;
  o.progress = false;
  const EvalResult r = evaluate(clf, ds, o);

  std::vector<std::string> texts;
  for (const auto& ex : ds.examples) texts.push_back(ex.text);
  engine::PredictOptions po;
  po.tokenization.max_length = o.recipe.max_length;
  po.batch_size = o.batch_size;
  // The same comparison with HEAD truncation (HEAD_TAIL 4 differs for the cut texts, below).
  o.recipe.truncation = text::Truncation::HEAD;
  po.tokenization.truncation = "head";
  const EvalResult rh = evaluate(clf, ds, o);
  const std::vector<engine::Prediction> preds = clf.predict(texts, po);
  MetricsAccumulator acc(clf.config().id2label);
  for (size_t i = 0; i < preds.size(); ++i)
    acc.add(ds.examples[i].label_name == "pos", preds[i].logits);
  const Metrics want = acc.compute();
  EXPECT_EQ(rh.metrics.n, int64_t(ds.examples.size()));
  EXPECT_EQ(rh.metrics.confusion, want.confusion);
  EXPECT_DOUBLE_EQ(rh.metrics.accuracy, want.accuracy);
  EXPECT_NEAR(rh.metrics.mean_loss, want.mean_loss, 1e-6);
  EXPECT_NEAR(rh.metrics.macro_f1, want.macro_f1, 1e-12);
  for (size_t i = 0; i < preds.size(); ++i) {
    EXPECT_EQ(rh.predictions[i].predicted, preds[i].label_id) << i;
    EXPECT_TRUE(bertq::testing::all_close(rh.predictions[i].logits.data(), preds[i].logits.data(),
                                          2, 1e-5, 1e-6))
        << "example " << i;
    EXPECT_EQ(rh.predictions[i].windows, 1);
    EXPECT_LE(rh.predictions[i].tokens, o.recipe.max_length);
  }
  // HEAD_TAIL with 4 head tokens keeps other tokens than HEAD for the cut texts.
  bool differs = false;
  for (size_t i = 0; i < preds.size(); ++i)
    differs |= r.predictions[i].logits != rh.predictions[i].logits;
  EXPECT_TRUE(differs) << "head+tail gave the same logits as head on every text";
}

TEST(Evaluator, WindowModeAveragesWindowLogits) {
  TempDir tmp;
  const engine::Classifier clf(testing::make_tiny_model(tmp.path(), "m", 5));
  data::Dataset ds;
  data::Example ex;
  for (int w = 0; w < 40; ++w)
    ex.text += (w ? " " : "") + std::string(w % 3 ? "great" : "dull plot");
  ex.label_name = "POSITIVE";
  ex.id = "long";
  ds.examples.push_back(ex);
  ex.text = "the movie was fun";
  ex.id = "short";
  ds.examples.push_back(ex);
  EvalOptions o;
  o.long_text = LongText::WINDOW;
  o.recipe.max_length = 16;
  o.stride = 4;
  o.progress = false;
  const EvalResult r = evaluate(clf, ds, o);

  text::EncodeOptions eo;
  eo.max_length = 16;
  eo.return_overflow = true;
  eo.stride = 4;
  const text::Encoding e = clf.tokenizer().encode(ds.examples[0].text, eo);
  ASSERT_GE(e.overflow.size(), 2u) << "the long text should need at least 3 windows";
  std::vector<std::vector<int32_t>> windows = {e.ids};
  for (const auto& w : e.overflow) windows.push_back(w.ids);
  std::vector<double> mean(2, 0.0);
  for (const auto& w : windows) {
    const auto lg = clf.logits({w})[0];  // each window alone
    for (size_t j = 0; j < 2; ++j) mean[j] += lg[j] / double(windows.size());
  }
  EXPECT_EQ(r.predictions[0].windows, int(windows.size()));
  EXPECT_EQ(r.predictions[1].windows, 1);
  EXPECT_EQ(r.sequences, int64_t(windows.size()) + 1);
  for (size_t j = 0; j < 2; ++j) EXPECT_NEAR(r.predictions[0].logits[j], mean[j], 1e-5) << j;
  // The average differs from the first window alone (the windows disagree).
  const auto first = clf.logits({windows[0]})[0];
  EXPECT_GT(std::fabs(first[0] - r.predictions[0].logits[0]) +
                std::fabs(first[1] - r.predictions[0].logits[1]),
            1e-4);
  o.stride = 14;  // not smaller than a window's 14 content tokens
  EXPECT_THROW(evaluate(clf, ds, o), Error);
}

TEST(Evaluator, UnknownLabelIsAnErrorNamingTheExample) {
  TempDir tmp;
  const engine::Classifier clf(testing::make_tiny_model(tmp.path(), "m", 1));
  data::Dataset ds = testing::tiny_dataset(3);
  ds.examples[2].label_name = "MAYBE";
  EvalOptions o;
  o.recipe.max_length = 32;
  o.progress = false;
  try {
    evaluate(clf, ds, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ex2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("MAYBE"), std::string::npos) << e.what();
  }
  o.recipe.max_length = 65;  // over max_position_embeddings
  EXPECT_THROW(evaluate(clf, testing::tiny_dataset(3), o), Error);
  EXPECT_THROW(parse_long_text("slide"), Error);
}

TEST(Evaluator, UnlabelledExamplesArePredictedNotScored) {
  TempDir tmp;
  const engine::Classifier clf(testing::make_tiny_model(tmp.path(), "m", 2));
  data::Dataset ds = testing::tiny_dataset(6);
  ds.examples[0].label_name.clear();
  EvalOptions o;
  o.recipe.max_length = 32;
  o.progress = false;
  const EvalResult r = evaluate(clf, ds, o);
  EXPECT_EQ(r.metrics.n, 5);
  EXPECT_EQ(r.metrics.unlabelled, 1);
  EXPECT_EQ(r.predictions.size(), 6u);
  EXPECT_EQ(r.predictions[0].label, -1);
}

TEST(Evaluator, PredictionsFileAndJsonCarryEveryField) {
  TempDir tmp;
  const engine::Classifier clf(testing::make_tiny_model(tmp.path(), "m", 3));
  const data::Dataset ds = testing::tiny_dataset(5);
  EvalOptions o;
  o.recipe.max_length = 32;
  o.progress = false;
  const EvalResult r = evaluate(clf, ds, o);
  write_predictions_jsonl(tmp.file("p.jsonl"), r);
  std::ifstream f(tmp.file("p.jsonl"));
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) {
    const auto j = nlohmann::json::parse(line);
    for (const char* k : {"id", "label", "label_id", "predicted", "predicted_id", "correct",
                          "probs", "logits", "windows", "tokens"}) {
      EXPECT_TRUE(j.contains(k)) << k << " missing in line " << n;
    }
    EXPECT_EQ(j["id"], ds.examples[n].id);
    EXPECT_EQ(j["label_id"], ds.examples[n].label_name == "pos" ? 1 : 0);
    EXPECT_EQ(j["predicted_id"], r.predictions[n].predicted);
    EXPECT_EQ(j["correct"], r.predictions[n].predicted == j["label_id"].get<int>());
    EXPECT_NEAR(j["probs"][0].get<double>() + j["probs"][1].get<double>(), 1.0, 1e-6);
    ++n;
  }
  EXPECT_EQ(n, ds.examples.size());
  const nlohmann::json j = r.to_json();
  for (const char* k : {"examples", "labels", "metrics", "sequences", "tokens", "tokenize_s",
                        "model_s", "examples_per_s", "options"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["examples"], 5);
  for (const char* k :
       {"examples", "unlabelled", "accuracy", "macro_f1", "mean_loss", "confusion", "per_class"}) {
    EXPECT_TRUE(j["metrics"].contains(k)) << k;
  }
  for (const char* k : {"precision", "recall", "f1", "support", "predicted", "label"}) {
    EXPECT_TRUE(j["metrics"]["per_class"][0].contains(k)) << k;
  }
  EXPECT_NE(r.to_markdown().find("confusion"), std::string::npos);
}

}  // namespace
}  // namespace bertq::eval
