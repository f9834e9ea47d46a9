// Comparing the FP32 engine with a PyTorch reference stored in the layout of
// ../shared/golden/model/*/forward.safetensors (see its README): rows padded to T, only
// attention_mask = 1 positions count; hidden_states.0..L, pooled and logits. Used by the golden
// test (random models) and the pretrained-checkpoint test (transformers on all-MiniLM-L6-v2).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "engine/bert_encoder.h"
#include "engine/model.h"
#include "io/safetensors.h"

namespace bertq::engine::testing {

using bertq::testing::rel_l2;

// Tolerances of the FP32 engine vs the float64 reference (stored as f32).
constexpr double kLogitsRelL2 = 1e-4;
constexpr double kHiddenRelL2 = 1e-5;
constexpr double kHiddenMaxAbs = 1e-4;

struct GoldenBatch {
  std::vector<std::vector<int32_t>> ids, types;
  size_t T = 0;
};

inline std::vector<int64_t> read_i64(const io::TensorView& v) {
  std::vector<int64_t> out(size_t(v.numel()));
  std::memcpy(out.data(), v.data, out.size() * 8);
  return out;
}
inline std::vector<float> read_f32(const io::TensorView& v) {
  std::vector<float> out(size_t(v.numel()));
  std::memcpy(out.data(), v.data, out.size() * 4);
  return out;
}

inline GoldenBatch read_batch(const io::SafeTensorsFile& f) {
  const auto& ids_v = f.get("input_ids");
  const auto ids = read_i64(ids_v), mask = read_i64(f.get("attention_mask")),
             types = read_i64(f.get("token_type_ids"));
  GoldenBatch g;
  const size_t B = size_t(ids_v.shape[0]);
  g.T = size_t(ids_v.shape[1]);
  for (size_t b = 0; b < B; ++b) {
    std::vector<int32_t> row, trow;
    for (size_t t = 0; t < g.T && mask[b * g.T + t] == 1; ++t) {
      row.push_back(int32_t(ids[b * g.T + t]));
      trow.push_back(int32_t(types[b * g.T + t]));
    }
    g.ids.push_back(row);
    g.types.push_back(trow);
  }
  return g;
}

// Compares packed [T_packed, H] against the padded reference [B, T, H] at unpadded positions.
inline ::testing::AssertionResult compare_hidden(const std::vector<float>& got,
                                                 const std::vector<float>& want_padded,
                                                 const PackedBatch& batch, size_t T, size_t H) {
  std::vector<float> want(got.size());
  for (size_t b = 0; b < batch.size(); ++b)
    for (size_t t = 0; t < batch.length(b); ++t)
      std::memcpy(&want[(batch.offsets[b] + t) * H], &want_padded[(b * T + t) * H], H * 4);
  const double rel = rel_l2(got.data(), want.data(), got.size());
  double max_abs = 0;
  size_t at = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(double(got[i]) - want[i]);
    if (d > max_abs) max_abs = d, at = i;
  }
  if (rel <= kHiddenRelL2 && max_abs <= kHiddenMaxAbs) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "rel L2 " << rel << " (limit " << kHiddenRelL2 << "), max |diff| " << max_abs
         << " (limit " << kHiddenMaxAbs << ") at packed row " << at / H << " col " << at % H
         << ": got " << got[at] << ", expected " << want[at];
}

// Loads MODEL_DIR with `isa`, runs the batch of FORWARD_PATH and checks every hidden state
// (naming the first diverging layer), the pooled output and the logits; prints the logits'
// relative L2 under `label`.
inline void expect_matches_reference(const std::string& model_dir, const std::string& forward_path,
                                     Isa isa, const std::string& label) {
  EngineOptions opts;
  opts.isa = isa;
  const auto model = Model::load(model_dir, opts);
  const io::SafeTensorsFile f(forward_path);
  const GoldenBatch g = read_batch(f);
  const PackedBatch batch = PackedBatch::pack(g.ids, g.types);
  ForwardOutputs out;
  out.keep_hidden_states = true;
  const std::vector<float> logits = forward(*model, batch, &out);
  const size_t H = size_t(model->config().hidden_size);
  const size_t L = size_t(model->config().num_hidden_layers);
  ASSERT_EQ(out.hidden_states.size(), L + 1);
  // Layer by layer: the first diverging one is the one to look at.
  for (size_t l = 0; l <= L; ++l) {
    const auto want = read_f32(f.get("hidden_states." + std::to_string(l)));
    ASSERT_TRUE(compare_hidden(out.hidden_states[l], want, batch, g.T, H))
        << "first diverging output: hidden_states." << l
        << (l == 0 ? " (embeddings)" : " (encoder layer " + std::to_string(l - 1) + ")");
  }
  const auto pooled = read_f32(f.get("pooled"));
  ASSERT_EQ(out.pooled.size(), pooled.size());
  EXPECT_LE(rel_l2(out.pooled.data(), pooled.data(), pooled.size()), kHiddenRelL2) << "pooled";
  const auto want_logits = read_f32(f.get("logits"));
  ASSERT_EQ(logits.size(), want_logits.size());
  const double rel = rel_l2(logits.data(), want_logits.data(), logits.size());
  std::printf("%s/%s: logits rel L2 %.3g\n", label.c_str(), std::string(isa_name(isa)).c_str(),
              rel);
  EXPECT_LE(rel, kLogitsRelL2);
}

}  // namespace bertq::engine::testing
