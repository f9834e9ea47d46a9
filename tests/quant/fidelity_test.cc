// Fidelity arithmetic (agreement, logit relative error, accuracies) on hand-made logits, and the
// whole `bertq quantize` job on the golden tiny model with a small IMDB evaluation set:
// report fields, per-layer sensitivity, the accuracy-aware fallback's invariant, files written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "quant/fidelity.h"
#include "quant/quantize_job.h"

namespace bertq::quant {
namespace {

TEST(Fidelity, ComparesLogitsAndLabels) {
  const std::vector<std::vector<float>> a = {{1, 0}, {0, 2}, {3, 4}, {1, -1}};
  const std::vector<std::vector<float>> b = {{1, 0}, {0, 1}, {4, 3}, {1, -1}};
  const std::vector<int> labels = {0, 1, 1, -1};
  const Fidelity f = compare(a, b, labels);
  EXPECT_EQ(f.n, 4u);
  EXPECT_DOUBLE_EQ(f.agreement, 75.0);  // row 2 flips
  // rel errors: 0, 1/2, sqrt(2)/5, 0
  EXPECT_NEAR(f.rel_err_max, 0.5, 1e-12);
  EXPECT_NEAR(f.rel_err_mean, (0.5 + std::sqrt(2.0) / 5) / 4, 1e-12);
  EXPECT_NEAR(f.accuracy_fp32, 100.0, 1e-12);     // 3 labelled, all right
  EXPECT_NEAR(f.accuracy_int8, 200.0 / 3, 1e-9);  // row 2 wrong
  const std::vector<int> short_labels = {0};
  EXPECT_THROW(compare(a, b, short_labels), Error);
}

Fidelity fid(double agreement, double fp32, double int8, double err = 0) {
  Fidelity f;
  f.agreement = agreement, f.accuracy_fp32 = fp32, f.accuracy_int8 = int8, f.rel_err_mean = err;
  return f;
}

TEST(AccuracyTarget, MetNeedsEveryTargetThatIsSet) {
  AccuracyTarget t;
  EXPECT_FALSE(t.any());
  EXPECT_TRUE(t.met(fid(90, 90, 80)));
  t.max_drop = 0.3;
  EXPECT_TRUE(t.met(fid(90, 90.0, 89.8)));
  EXPECT_FALSE(t.met(fid(100, 90.0, 89.6)));
  t.min_agreement = 99.5;
  EXPECT_FALSE(
      t.met(fid(99.48, 90.07, 90.09)));  // the MiniLM default: accuracy fine, agreement not
  EXPECT_TRUE(t.met(fid(99.5, 90.07, 90.07)));
  EXPECT_EQ(t.to_json(), (nlohmann::json{{"max_drop", 0.3}, {"min_agreement_pct", 99.5}}));
}

TEST(AccuracyTarget, RanksByLostAgreementWhenAnAgreementTargetIsSet) {
  // Layer 0 flips more predictions, layer 1 loses more accuracy, layers 2 and 3 tie on both.
  const std::vector<LayerSensitivity> layers = {{0, fid(99.0, 90, 90.0, 0.1)},
                                                {1, fid(99.8, 90, 89.5, 0.1)},
                                                {2, fid(99.9, 90, 90.0, 0.1)},
                                                {3, fid(99.9, 90, 90.0, 0.3)}};
  auto order = [](const AccuracyTarget& t, std::vector<LayerSensitivity> l) {
    t.rank(l);
    std::vector<int> ids;
    for (const auto& s : l) ids.push_back(s.layer);
    return ids;
  };
  AccuracyTarget by_drop;
  by_drop.max_drop = 0;
  EXPECT_EQ(order(by_drop, layers), (std::vector<int>{1, 3, 0, 2}));
  AccuracyTarget by_agreement;
  by_agreement.min_agreement = 99.5;
  EXPECT_EQ(order(by_agreement, layers), (std::vector<int>{0, 1, 3, 2}));
  by_agreement.max_drop = 0;  // both set: agreement orders
  EXPECT_EQ(order(by_agreement, layers), (std::vector<int>{0, 1, 3, 2}));
}

// The golden tiny model (2 layers) with a 24-review fidelity set and the sensitivity table.
QuantizeJob tiny_job(const std::string& model, const std::string& imdb, const std::string& out) {
  QuantizeJob job;
  job.model = model;
  job.out = out;
  job.eval = imdb;
  job.eval_samples = 24;
  job.tokenization.max_length = 64;
  job.sensitivity = true;
  return job;
}

TEST(QuantizeJob, TinyGoldenWithEvalSensitivityAndMaxDrop) {
  BERTQ_REQUIRE_SHARED(model, "golden/model/tiny/model");
  BERTQ_REQUIRE_SHARED(imdb, "data/imdb/test.jsonl.gz");
  bertq::testing::TempDir tmp;
  QuantizeJob job = tiny_job(model, imdb, tmp.path() + "/int8");
  job.target.max_drop = 0;
  std::vector<std::string> lines;
  const auto r = run_quantize_job(job, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_FALSE(lines.empty());
  ASSERT_TRUE(r.contains("fidelity"));
  EXPECT_EQ(r["fidelity"]["n"], 24);
  EXPECT_GE(r["fidelity"]["agreement_pct"].get<double>(), 0.0);
  ASSERT_EQ(r["sensitivity"].size(), 2u);  // tiny has 2 layers
  const auto& aa = r["accuracy_aware"];
  const double drop = r["fidelity"]["accuracy_fp32_pct"].get<double>() -
                      r["fidelity"]["accuracy_int8_pct"].get<double>();
  if (aa["met"].get<bool>()) {
    EXPECT_LE(drop, 1e-9);
  } else {
    EXPECT_EQ(aa["kept_layers"].size(), 2u);  // gave up only after keeping every layer
  }
  EXPECT_TRUE(std::filesystem::exists(job.out + "/model.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(job.out + "/vocab.txt"));
  const auto saved = nlohmann::json::parse(read_file(job.out + "/quantization_report.json"));
  EXPECT_EQ(saved["fidelity"], r["fidelity"]);
}

TEST(QuantizeJob, TinyGoldenAgreementTargetAloneAndWithMaxDrop) {
  BERTQ_REQUIRE_SHARED(model, "golden/model/tiny/model");
  BERTQ_REQUIRE_SHARED(imdb, "data/imdb/test.jsonl.gz");
  bertq::testing::TempDir tmp;
  QuantizeJob job = tiny_job(model, imdb, tmp.path() + "/int8");
  job.target.min_agreement = 100;
  for (const bool with_drop : {false, true}) {
    if (with_drop) job.target.max_drop = 0, job.force = true;
    const auto r = run_quantize_job(job, [](const std::string&) {});
    const auto& aa = r["accuracy_aware"];
    EXPECT_EQ(aa["min_agreement_pct"].get<double>(), 100.0);
    EXPECT_EQ(aa.contains("max_drop"), with_drop);
    const auto& f = r["fidelity"];
    const double drop = f["accuracy_fp32_pct"].get<double>() - f["accuracy_int8_pct"].get<double>();
    if (aa["met"].get<bool>()) {  // every set target holds for the final model
      EXPECT_GE(f["agreement_pct"].get<double>(), 100.0);
      if (with_drop) EXPECT_LE(drop, 1e-9);
    } else {  // gave up only after keeping every layer
      EXPECT_EQ(aa["kept_layers"].size(), 2u);
    }
  }
}

}  // namespace
}  // namespace bertq::quant
