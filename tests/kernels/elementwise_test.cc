// Fused elementwise kernels of every ISA this machine supports vs the scalar reference
// (kernels/ref), on odd sizes (1..17, 31, 33, 127, 129, 768, 3072), plus properties the
// reference itself must satisfy (softmax rows sum to 1, LayerNorm output has mean 0 / var 1,
// GELU limits) so that a wrong reference fails too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "kernels/dispatch.h"
#include "kernels/ref/ref_kernels.h"
#include "tier_tables.h"
#include "tolerances.h"

namespace bertq::kernels {
namespace {

using bertq::testing::all_close;
using namespace bertq::kernels::testing;

const std::vector<size_t> kSizes = {1,  2,  3,  4,  5,  6,  7,  8,   9,   10,  11,  12,
                                    13, 14, 15, 16, 17, 31, 33, 127, 129, 768, 3072};

std::vector<float> random_vec(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

class KernelIsaTest : public ::testing::TestWithParam<testing::TierUnderTest> {
 protected:
  const KernelTable& k() const { return *GetParam().table; }
};

TEST_P(KernelIsaTest, TableIsFilledForItsIsa) {
  EXPECT_EQ(k().isa, GetParam().isa);
  EXPECT_NE(k().add_bias_residual_layernorm_f32, nullptr);
  EXPECT_NE(k().bias_gelu_f32, nullptr);
  EXPECT_NE(k().add_bias_f32, nullptr);
  EXPECT_NE(k().bias_tanh_f32, nullptr);
  EXPECT_NE(k().softmax_f32, nullptr);
  EXPECT_NE(k().erf_f32, nullptr);
  EXPECT_NE(k().convert_f32_bf16, nullptr);
}

TEST_P(KernelIsaTest, LayerNormMatchesReference) {
  const size_t rows = 3;
  for (size_t n : kSizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const auto x = random_vec(rows * n, -3.f, 5.f, 1 + n);
    const auto res = random_vec(rows * n, -2.f, 2.f, 2 + n);
    const auto bias = random_vec(n, -1.f, 1.f, 3 + n);
    const auto gamma = random_vec(n, 0.5f, 1.5f, 4 + n);
    const auto beta = random_vec(n, -0.5f, 0.5f, 5 + n);
    for (int variant = 0; variant < 3; ++variant) {
      const float* b = variant == 1 ? nullptr : bias.data();
      const float* r = variant == 2 ? nullptr : res.data();
      std::vector<float> want(rows * n), got(rows * n, 1e30f);
      add_bias_residual_layernorm_f32_ref(x.data(), b, r, gamma.data(), beta.data(), 1e-12f,
                                          want.data(), rows, n);
      k().add_bias_residual_layernorm_f32(x.data(), b, r, gamma.data(), beta.data(), 1e-12f,
                                          got.data(), rows, n);
      if (n == 1) continue;  // var 0: output is beta exactly, checked below
      ASSERT_TRUE(
          all_close(got.data(), want.data(), got.size(), kLayerNormTol.rtol, kLayerNormTol.atol))
          << "variant " << variant;
    }
    // In place on the residual (the engine's use): y aliases residual.
    std::vector<float> want(rows * n), inplace = res;
    add_bias_residual_layernorm_f32_ref(x.data(), bias.data(), res.data(), gamma.data(),
                                        beta.data(), 1e-5f, want.data(), rows, n);
    k().add_bias_residual_layernorm_f32(x.data(), bias.data(), inplace.data(), gamma.data(),
                                        beta.data(), 1e-5f, inplace.data(), rows, n);
    ASSERT_TRUE(all_close(inplace.data(), want.data(), want.size(), kLayerNormTol.rtol,
                          kLayerNormTol.atol));
  }
}

TEST_P(KernelIsaTest, LayerNormNormalises) {
  for (size_t n : {size_t(17), size_t(768)}) {
    const auto x = random_vec(n, 10.f, 30.f, 7);  // large mean: tests the two-pass variance
    std::vector<float> gamma(n, 1.f), beta(n, 0.f), y(n);
    k().add_bias_residual_layernorm_f32(x.data(), nullptr, nullptr, gamma.data(), beta.data(),
                                        1e-12f, y.data(), 1, n);
    double mean = 0, var = 0;
    for (float v : y) mean += v;
    mean /= n;
    for (float v : y) var += (v - mean) * (v - mean);
    var /= n;
    EXPECT_NEAR(mean, 0.0, 1e-5);
    EXPECT_NEAR(var, 1.0, 1e-4);
  }
  // eps matters where the variance is tiny: PyTorch's (x - mean) / sqrt(var + eps).
  const float x[2] = {1.f, 1.002f}, g[2] = {1, 1}, b[2] = {0, 0};
  float y[2];
  k().add_bias_residual_layernorm_f32(x, nullptr, nullptr, g, b, 1e-5f, y, 1, 2);
  const double want = -0.001 / std::sqrt(1e-6 + 1e-5);
  EXPECT_NEAR(y[0], want, 1e-3);
}

TEST_P(KernelIsaTest, BiasGeluMatchesReference) {
  for (size_t n : kSizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const size_t rows = 2;
    const auto x = random_vec(rows * n, -7.f, 7.f, 11 + n);
    const auto bias = random_vec(n, -1.f, 1.f, 12 + n);
    auto want = x, got = x;
    bias_gelu_f32_ref(want.data(), bias.data(), rows, n);
    k().bias_gelu_f32(got.data(), bias.data(), rows, n);
    ASSERT_TRUE(all_close(got.data(), want.data(), n * rows, kGeluTol.rtol, kGeluTol.atol));
  }
  float v[4] = {0.f, 10.f, -10.f, 1.f};
  k().bias_gelu_f32(v, nullptr, 1, 4);
  EXPECT_EQ(v[0], 0.f);
  EXPECT_NEAR(v[1], 10.f, 1e-6);
  EXPECT_NEAR(v[2], 0.f, 1e-6);
  EXPECT_NEAR(v[3], 0.8413447460685429, 1e-6);  // Phi(1)
}

TEST_P(KernelIsaTest, ErfMaxErrorIsWithinStatedBound) {
  std::vector<float> x;
  for (double t = -6; t <= 6; t += 1.0 / 1024) x.push_back(float(t));
  std::vector<float> y(x.size());
  k().erf_f32(x.data(), y.data(), x.size());
  double max_err = 0, at = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = std::fabs(double(y[i]) - std::erf(double(x[i])));
    if (e > max_err) max_err = e, at = x[i];
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", max_err);
  RecordProperty("erf_max_abs_err", buf);
  std::printf("erf_f32_%s: max abs error %s at x=%g\n", GetParam().name.c_str(), buf, at);
  EXPECT_LE(max_err, kErfMaxAbsErr) << "at x=" << at;
}

TEST_P(KernelIsaTest, SoftmaxMatchesReferenceAndLeavesTailAlone) {
  for (size_t n : kSizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const size_t rows = 3, ld = n + 5;
    auto x = random_vec(rows * ld, -20.f, 20.f, 21 + n);
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = n; c < ld; ++c) x[r * ld + c] = 12345.f;  // sentinel: must stay
    auto want = x, got = x;
    softmax_f32_ref(want.data(), rows, n, ld, 0.125f);
    k().softmax_f32(got.data(), rows, n, ld, 0.125f);
    ASSERT_TRUE(all_close(got.data(), want.data(), got.size(), kSoftmaxTol.rtol, kSoftmaxTol.atol));
    for (size_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (size_t c = 0; c < n; ++c) sum += got[r * ld + c];
      EXPECT_NEAR(sum, 1.0, 1e-5);
      for (size_t c = n; c < ld; ++c) ASSERT_EQ(got[r * ld + c], 12345.f);
    }
  }
  // Large logits must not overflow (max subtraction).
  float big[3] = {1000.f, 999.f, -1000.f};
  k().softmax_f32(big, 1, 3, 3, 1.f);
  EXPECT_NEAR(big[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(big[2], 0.f, 1e-30);
}

TEST_P(KernelIsaTest, BiasTanhMatchesReference) {
  for (size_t n : kSizes) {
    const auto x = random_vec(2 * n, -9.f, 9.f, 31 + n);
    const auto bias = random_vec(n, -0.5f, 0.5f, 32 + n);
    auto want = x, got = x;
    bias_tanh_f32_ref(want.data(), bias.data(), 2, n);
    k().bias_tanh_f32(got.data(), bias.data(), 2, n);
    ASSERT_TRUE(all_close(got.data(), want.data(), got.size(), kTanhTol.rtol, kTanhTol.atol))
        << "n=" << n;
  }
}

TEST_P(KernelIsaTest, AddBiasIsExact) {
  for (size_t n : kSizes) {
    const auto x = random_vec(3 * n, -9.f, 9.f, 41 + n);
    const auto bias = random_vec(n, -0.5f, 0.5f, 42 + n);
    auto got = x;
    k().add_bias_f32(got.data(), bias.data(), 3, n);
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], x[i] + bias[i % n]) << i;
  }
}

TEST_P(KernelIsaTest, ConvertBf16RoundsToNearestEven) {
  std::vector<float> x = random_vec(3072 + 13, -100.f, 100.f, 51);
  const uint32_t specials[] = {0x3f808000u /* tie, even below */,
                               0x3f818000u /* tie, odd */,
                               0x7f800000u /* inf */,
                               0xff800000u,
                               0x7fc00001u /* NaN */,
                               0x00000001u /* denormal */,
                               0x7f7fffffu /* max -> inf */};
  for (uint32_t u : specials) {
    float f;
    std::memcpy(&f, &u, 4);
    x.push_back(f);
  }
  std::vector<uint16_t> want(x.size()), got(x.size());
  convert_f32_bf16_ref(x.data(), want.data(), x.size());
  k().convert_f32_bf16(x.data(), got.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], want[i]) << "index " << i;
  const size_t s = x.size() - 7;
  EXPECT_EQ(want[s + 0], 0x3f80);  // 1.00390625 -> 1.0 (tie to even)
  EXPECT_EQ(want[s + 1], 0x3f82);  // tie rounds up to even
  EXPECT_EQ(want[s + 2], 0x7f80);
  EXPECT_EQ(want[s + 6], 0x7f80);
  EXPECT_TRUE((want[s + 4] & 0x7f80) == 0x7f80 && (want[s + 4] & 0x7f) != 0);  // still NaN
}

INSTANTIATE_TEST_SUITE_P(AllTiers, KernelIsaTest, ::testing::ValuesIn(testing::tiers_under_test()),
                         testing::tier_param_name);

TEST(Dispatch, RefusesIsaAboveTheMachine) {
  if (best_isa() == Isa::AVX512_VNNI) GTEST_SKIP() << "machine supports every tier";
  const Isa above = static_cast<Isa>(static_cast<int>(best_isa()) + 1);
  try {
    kernels_for(above);
    FAIL() << "expected UNSUPPORTED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find(std::string(isa_name(above))), std::string::npos);
  }
}

TEST(Dispatch, ActiveFollowsActiveIsa) {
  EXPECT_EQ(active_kernels().isa, active_isa());
}

}  // namespace
}  // namespace bertq::kernels
