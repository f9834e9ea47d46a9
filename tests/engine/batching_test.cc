// Packed batching: the same texts one by one and batched give the same logits (no padding
// leaks between sequences), an empty batch works, bad inputs give errors naming the sequence
// and position, and one Model shared by several threads gives identical results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "engine/bert_encoder.h"
#include "engine/model.h"

namespace bertq::engine {
namespace {

// Deterministic token ids in [1000, V) with [CLS] first and [SEP] last; lengths chosen to hit
// odd sizes.
std::vector<std::vector<int32_t>> make_ids(const std::vector<int>& lengths, int vocab) {
  std::vector<std::vector<int32_t>> out;
  uint32_t s = 12345;
  for (int len : lengths) {
    std::vector<int32_t> row(static_cast<size_t>(len));
    for (int i = 0; i < len; ++i) {
      s = s * 1664525u + 1013904223u;
      row[size_t(i)] = int32_t(1000 + (s >> 8) % uint32_t(vocab - 1000));
    }
    row.front() = 101;
    if (len > 1) row.back() = 102;
    out.push_back(row);
  }
  return out;
}

std::shared_ptr<const Model> load_odd() {
  const std::string dir = bertq::testing::shared_path("golden/model/odd/model");
  if (dir.empty()) return nullptr;
  return Model::load(dir, {});
}

TEST(Batching, OneByOneEqualsBatched) {
  const auto model = load_odd();
  if (!model) GTEST_SKIP() << "../shared/golden/model/odd is absent";
  const auto ids = make_ids({1, 2, 17, 3, 129, 64, 33, 5, 300}, model->config().vocab_size);
  const size_t NL = size_t(model->config().num_labels());
  const auto batched = forward(*model, PackedBatch::pack(ids));
  ASSERT_EQ(batched.size(), ids.size() * NL);
  double max_diff = 0;
  for (size_t b = 0; b < ids.size(); ++b) {
    const auto single = forward(*model, PackedBatch::pack({ids[b]}));
    for (size_t j = 0; j < NL; ++j) {
      max_diff = std::max(max_diff, double(std::fabs(single[j] - batched[b * NL + j])));
      // GEMM blocking can differ with M (rows per call), so allow float rounding only.
      ASSERT_NEAR(single[j], batched[b * NL + j], 1e-5 * (1 + std::fabs(single[j])))
          << "sequence " << b << " label " << j;
    }
  }
  std::printf("one-by-one vs batched: max |diff| %.3g\n", max_diff);
}

TEST(Batching, EmptyBatchGivesNoLogits) {
  const auto model = load_odd();
  if (!model) GTEST_SKIP() << "../shared/golden/model/odd is absent";
  EXPECT_TRUE(forward(*model, PackedBatch::pack({})).empty());
}

TEST(Batching, BadInputsNameSequenceAndPosition) {
  const auto model = load_odd();
  if (!model) GTEST_SKIP() << "../shared/golden/model/odd is absent";
  try {
    forward(*model, PackedBatch::pack({{101, 102}, {101, 99999, 102}}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("sequence 1 position 1: token id 99999"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(forward(*model, PackedBatch::pack(make_ids({513}, 30522))), Error);
  EXPECT_THROW(forward(*model, PackedBatch::pack({{101, 102}}, {{0, 2}})), Error);
  EXPECT_THROW(PackedBatch::pack({{}}), Error);
  EXPECT_THROW(PackedBatch::pack({{101, 102}}, {{0}}), Error);
}

TEST(Batching, SharedModelAcrossThreadsIsDeterministic) {
  const auto model = load_odd();
  if (!model) GTEST_SKIP() << "../shared/golden/model/odd is absent";
  const auto batch = PackedBatch::pack(make_ids({7, 31, 100, 2}, model->config().vocab_size));
  const auto want = forward(*model, batch);
  std::vector<std::vector<float>> got(4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int rep = 0; rep < 5; ++rep) got[size_t(t)] = forward(*model, batch);
    });
  for (auto& t : ts) t.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

TEST(Batching, Bf16IsAccurateOrRefused) {
  const std::string dir = bertq::testing::shared_path("golden/model/odd/model");
  if (dir.empty()) GTEST_SKIP() << "../shared/golden/model/odd is absent";
  EngineOptions o;
  o.compute = Compute::BF16;
  std::shared_ptr<const Model> bf16;
  try {
    bf16 = Model::load(dir, o);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED) << e.what();
    GTEST_SKIP() << "BF16 unsupported on this CPU (refused with UNSUPPORTED): " << e.what();
  }
  const auto fp32 = Model::load(dir, {});
  const auto batch = PackedBatch::pack(make_ids({5, 64, 200}, fp32->config().vocab_size));
  const auto want = forward(*fp32, batch), got = forward(*bf16, batch);
  // BF16 tolerance: 8-bit mantissa activations and weights through 3 layers.
  const double rel = bertq::testing::rel_l2(got.data(), want.data(), want.size());
  std::printf("bf16 vs fp32 logits rel L2 %.3g\n", rel);
  EXPECT_LE(rel, 3e-2);
}

}  // namespace
}  // namespace bertq::engine
