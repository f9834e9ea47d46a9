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
  EXPECT_NEAR(f.accuracy_fp32, 100.0, 1e-12);        // 3 labelled, all right
  EXPECT_NEAR(f.accuracy_int8, 200.0 / 3, 1e-9);     // row 2 wrong
  const std::vector<int> short_labels = {0};
  EXPECT_THROW(compare(a, b, short_labels), Error);
}

TEST(QuantizeJob, TinyGoldenWithEvalSensitivityAndMaxDrop) {
  BERTQ_REQUIRE_SHARED(model, "golden/model/tiny/model");
  BERTQ_REQUIRE_SHARED(imdb, "data/imdb/test.jsonl.gz");
  bertq::testing::TempDir tmp;
  QuantizeJob job;
  job.model = model;
  job.out = tmp.path() + "/int8";
  job.eval = imdb;
  job.eval_samples = 24;
  job.max_length = 64;
  job.sensitivity = true;
  job.max_drop = 0;
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

}  // namespace
}  // namespace bertq::quant
