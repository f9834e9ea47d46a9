// INT8 kernels against the scalar references (scheme in kernels/int8_scheme.h):
// - quantize-row (dynamic and fixed range) of every ISA tier equals the reference bit for bit on
//   odd lengths, extreme / all-zero / one-sided rows, far-out-of-range static inputs; bytes past
//   the output are untouched; the reference itself round-trips within half a step;
// - the dequantize + bias (+ GELU) epilogue of every tier vs the double reference;
// - Int8Linear (oneDNN u8s8s32) equals gemm_u8s8s32_ref exactly on awkward M, N, K with
//   extreme values, outputs pre-filled with a sentinel; the whole quantized Linear (quantize ->
//   GEMM -> epilogue) with many different zero points vs a float matmul.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/test_util.h"
#include "core/cpu_features.h"
#include "kernels/dispatch.h"
#include "kernels/int8_scheme.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/ref/int8_ref.h"
#include "kernels/ref/ref_kernels.h"
#include "tier_tables.h"

namespace bertq::kernels {
namespace {

const size_t kSizes[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,   10,  11,  12,
                         13, 14, 15, 16, 17, 31, 32, 33, 127, 129, 768, 3072};
constexpr uint8_t kSentinel = 0xA5;
constexpr int32_t kAccSentinel = 0x5A5A5A5A;

std::vector<float> random_vec(size_t n, unsigned seed, float lo, float hi) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

class Int8IsaTest : public ::testing::TestWithParam<testing::TierUnderTest> {
 protected:
  const KernelTable& k() const { return *GetParam().table; }
};

TEST_P(Int8IsaTest, TableHasInt8Kernels) {
  EXPECT_NE(k().quantize_rows_u8, nullptr);
  EXPECT_NE(k().quantize_rows_u8_fixed, nullptr);
  EXPECT_NE(k().dequant_bias_f32, nullptr);
}

TEST_P(Int8IsaTest, QuantizeRowsEqualsReferenceExactly) {
  unsigned seed = 1;
  for (int qmax : {kActQMaxReduced, kActQMaxFull}) {
    for (size_t n : kSizes) {
      const size_t rows = 6;
      auto x = random_vec(rows * n, seed++, -3.f, 5.f);
      // Row 1 all zero (incl. -0), row 2 positive only, row 3 negative only, row 4 with an
      // outlier, row 5 values exactly on half steps of a power-of-two range.
      for (size_t c = 0; c < n; ++c) {
        x[1 * n + c] = (c % 2) ? -0.f : 0.f;
        x[2 * n + c] = std::fabs(x[2 * n + c]);
        x[3 * n + c] = -std::fabs(x[3 * n + c]);
        x[5 * n + c] = float(int(c % 9) - 4) * 0.5f;
      }
      x[4 * n + n / 2] = 1000.f;
      std::vector<uint8_t> got(rows * n + 16, kSentinel), want(rows * n, 0);
      std::vector<float> gs(rows), ws(rows);
      std::vector<int32_t> gz(rows), wz(rows);
      k().quantize_rows_u8(x.data(), rows, n, qmax, got.data(), gs.data(), gz.data());
      quantize_rows_u8_ref(x.data(), rows, n, qmax, want.data(), ws.data(), wz.data());
      for (size_t i = 0; i < rows * n; ++i)
        ASSERT_EQ(int(got[i]), int(want[i])) << "qmax " << qmax << " n " << n << " row " << i / n
                                             << " col " << i % n << " x " << x[i];
      for (size_t r = 0; r < rows; ++r) {
        ASSERT_EQ(gs[r], ws[r]) << "scale row " << r << " n " << n;
        ASSERT_EQ(gz[r], wz[r]) << "zero row " << r << " n " << n;
      }
      for (size_t i = rows * n; i < got.size(); ++i) ASSERT_EQ(got[i], kSentinel) << "overrun";
    }
  }
}

TEST_P(Int8IsaTest, QuantizeFixedRangeClampsLikeReference) {
  unsigned seed = 50;
  for (size_t n : kSizes) {
    // Calibrated range [-1, 2] but inputs far outside it (incl. beyond the ±65536 clamp).
    auto x = random_vec(n, seed++, -4.f, 4.f);
    x[0] = 1e30f;
    if (n > 1) x[1] = -1e30f;
    if (n > 2) x[2] = 70000.f;
    float scale, inv;
    int32_t zero;
    activation_params_ref(-1.f, 2.f, kActQMaxReduced, &scale, &inv, &zero);
    std::vector<uint8_t> got(n + 8, kSentinel), want(n);
    k().quantize_rows_u8_fixed(x.data(), 1, n, inv, zero, kActQMaxReduced, got.data());
    quantize_rows_u8_fixed_ref(x.data(), 1, n, inv, zero, kActQMaxReduced, want.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(int(got[i]), int(want[i])) << "n " << n << " i " << i;
    EXPECT_EQ(int(got[0]), kActQMaxReduced);
    if (n > 1) EXPECT_EQ(int(got[1]), 0);
    for (size_t i = n; i < got.size(); ++i) ASSERT_EQ(got[i], kSentinel);
  }
}

TEST(Int8Reference, QuantizeRowRoundTripsWithinHalfAStep) {
  for (int qmax : {kActQMaxReduced, kActQMaxFull}) {
    const size_t n = 777;
    const auto x = random_vec(n, 7, -2.f, 9.f);
    std::vector<uint8_t> q(n);
    float s;
    int32_t z;
    quantize_rows_u8_ref(x.data(), 1, n, qmax, q.data(), &s, &z);
    EXPECT_NEAR(s, (9.f + 2.f) / qmax, 0.02f * s);
    EXPECT_GT(z, 0);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_LE(int(q[i]), qmax);
      ASSERT_NEAR(s * (int(q[i]) - z), x[i], 0.5 * s + 1e-5 + s) << i;  // zero rounding + half
    }
  }
}

TEST(Int8Reference, SymmetricWeightRowMatchesTheRule) {
  const float w[5] = {0.5f, -1.27f, 0.f, 0.005f, 1.0f};
  int8_t q[5];
  const float s = quantize_symmetric_row_s8_ref(w, 5, q);
  EXPECT_FLOAT_EQ(s, 1.27f / 127.f);
  EXPECT_EQ(q[1], -127);
  EXPECT_EQ(q[0], int8_t(std::nearbyint(0.5f / s)));
  EXPECT_EQ(q[2], 0);
  const float zero[3] = {0, 0, 0};
  EXPECT_EQ(quantize_symmetric_row_s8_ref(zero, 3, q), 1.f);
}

TEST_P(Int8IsaTest, DequantEpilogueMatchesReference) {
  std::mt19937 g(3);
  for (size_t n : kSizes) {
    const size_t rows = 3;
    std::vector<int32_t> acc(rows * n), colsum(n), zero(rows);
    std::uniform_int_distribution<int32_t> da(-2000000, 2000000), dc(-5000, 5000), dz(0, 255);
    for (auto& v : acc) v = da(g);
    for (auto& v : colsum) v = dc(g);
    for (auto& v : zero) v = dz(g);
    const auto rs = random_vec(rows, 4, 1e-4f, 1e-2f), cs = random_vec(n, 5, 1e-4f, 1e-2f);
    const auto bias = random_vec(n, 6, -1.f, 1.f);
    for (bool gelu : {false, true})
      for (const float* b : {bias.data(), static_cast<const float*>(nullptr)}) {
        std::vector<float> got(rows * n + 4, 1e30f), want(rows * n);
        k().dequant_bias_f32(acc.data(), rs.data(), zero.data(), cs.data(), colsum.data(), b, gelu,
                             got.data(), rows, n);
        dequant_bias_f32_ref(acc.data(), rs.data(), zero.data(), cs.data(), colsum.data(), b, gelu,
                             want.data(), rows, n);
        EXPECT_TRUE(bertq::testing::all_close(got.data(), want.data(), rows * n, 2e-6, 2e-6))
            << "n " << n << " gelu " << gelu;
        for (size_t i = rows * n; i < got.size(); ++i) ASSERT_EQ(got[i], 1e30f);
      }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTiers, Int8IsaTest, ::testing::ValuesIn(testing::tiers_under_test()),
                         testing::tier_param_name);

// oneDNN's GEMM vs the integer reference, exactly, for both activation ranges a folder may
// have, on every CPU: 255 on a CPU without VNNI runs as two u7 GEMMs (one would saturate; CTest
// also runs this with BERTQ_INT8_FORCE_SPLIT=1, so VNNI machines test that path too).
class Int8LinearRange : public ::testing::TestWithParam<int> {};

TEST_P(Int8LinearRange, GemmEqualsIntegerReferenceOnAwkwardShapes) {
  const int qmax = GetParam();
  const int64_t dims[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 129, 768, 3072};
  std::mt19937 g(11);
  std::uniform_int_distribution<int> dw(-kWeightQMax, kWeightQMax), dx(0, qmax);
  size_t cases = 0;
  for (int64_t n : dims)
    for (int64_t k : dims) {
      if (n * k > 768 * 3072) continue;
      std::vector<int8_t> w(size_t(n * k));
      for (size_t i = 0; i < w.size(); ++i)  // extremes on the first row, random elsewhere
        w[i] = i < size_t(k) ? int8_t((i % 2) ? -kWeightQMax : kWeightQMax) : int8_t(dw(g));
      const std::vector<float> s(size_t(n), 1.f);
      const Int8Linear fc(w.data(), s.data(), nullptr, n, k);
      for (int64_t m : {int64_t(1), int64_t(3), int64_t(17), int64_t(33), int64_t(129)}) {
        if (m * n * k > 12'000'000) continue;
        std::vector<uint8_t> x(size_t(m * k));
        for (size_t i = 0; i < x.size(); ++i)  // row 0 all qmax (worst case for saturation)
          x[i] = i < size_t(k) ? uint8_t(qmax) : uint8_t(dx(g));
        std::vector<int32_t> got(size_t((m + 1) * n), kAccSentinel), want(size_t(m * n));
        fc.forward(x.data(), m, got.data(), qmax);
        gemm_u8s8s32_ref(size_t(m), size_t(n), size_t(k), x.data(), size_t(k), w.data(), size_t(k),
                         want.data(), size_t(n));
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(got[i], want[i]) << "m " << m << " n " << n << " k " << k << " at row "
                                     << i / size_t(n) << " col " << i % size_t(n);
        for (size_t i = want.size(); i < got.size(); ++i)
          ASSERT_EQ(got[i], kAccSentinel) << "wrote past the output, m " << m << " n " << n;
        ++cases;
      }
    }
  EXPECT_GT(cases, 500u);
}

// Only folders quantized before the range was recorded take it from the CPU.
TEST(Int8Linear, LegacyRangeFollowsTheSaturationProbe) {
  EXPECT_EQ(Int8Linear::legacy_activation_qmax(),
            Int8Linear::full_range_exact() ? kActQMaxFull : kActQMaxReduced);
  if (!cpu_features().avx512_vnni && !cpu_features().avx_vnni)
    EXPECT_FALSE(Int8Linear::full_range_exact());
  if (!Int8Linear::full_range_exact()) EXPECT_FALSE(Int8Linear::single_gemm_full_range());
}

TEST(Int8Linear, ColumnSumsAndScalesAreKept) {
  const int8_t w[6] = {1, -2, 3, 127, -127, 5};
  const float s[2] = {0.5f, 0.25f}, b[2] = {1.f, 2.f};
  const Int8Linear fc(w, s, b, 2, 3);
  EXPECT_EQ(fc.col_sum()[0], 2);
  EXPECT_EQ(fc.col_sum()[1], 5);
  EXPECT_EQ(fc.col_scale()[1], 0.25f);
  EXPECT_EQ(fc.bias()[1], 2.f);
  EXPECT_EQ(Int8Linear(w, s, nullptr, 2, 3).bias(), nullptr);
}

// quantize -> GEMM -> epilogue with per-row zero points (activations of mixed sign, so every
// row has its own zero point) against the float matmul of the dequantized operands.
TEST_P(Int8LinearRange, FullQuantizedLinearMatchesDequantizedMatmul) {
  const KernelTable& k = active_kernels();
  const int qmax = GetParam();
  const int64_t m = 37, n = 33, kk = 129;
  auto x = random_vec(size_t(m * kk), 21, -1.f, 1.f);
  for (int64_t r = 0; r < m; ++r)  // shift each row differently: zero points from 0 to qmax
    for (int64_t c = 0; c < kk; ++c) x[size_t(r * kk + c)] += float(r - m / 2) / 10.f;
  const auto wf = random_vec(size_t(n * kk), 22, -0.1f, 0.1f);
  const auto bias = random_vec(size_t(n), 23, -1.f, 1.f);
  std::vector<int8_t> wq(wf.size());
  std::vector<float> ws(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    ws[size_t(j)] =
        quantize_symmetric_row_s8_ref(&wf[size_t(j * kk)], size_t(kk), &wq[size_t(j * kk)]);
  const Int8Linear fc(wq.data(), ws.data(), bias.data(), n, kk);
  std::vector<uint8_t> xq(x.size());
  std::vector<float> xs(static_cast<size_t>(m));
  std::vector<int32_t> xz(static_cast<size_t>(m)), acc(static_cast<size_t>(m * n));
  k.quantize_rows_u8(x.data(), size_t(m), size_t(kk), qmax, xq.data(), xs.data(), xz.data());
  std::vector<int> zeros(xz.begin(), xz.end());
  std::sort(zeros.begin(), zeros.end());
  EXPECT_GT(std::unique(zeros.begin(), zeros.end()) - zeros.begin(), 20) << "few zero points";
  fc.forward(xq.data(), m, acc.data(), qmax);
  std::vector<float> y(size_t(m * n));
  k.dequant_bias_f32(acc.data(), xs.data(), xz.data(), fc.col_scale(), fc.col_sum(), fc.bias(),
                     false, y.data(), size_t(m), size_t(n));
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double want = bias[size_t(j)];
      for (int64_t c = 0; c < kk; ++c)
        want += double(xs[size_t(r)]) * (int(xq[size_t(r * kk + c)]) - xz[size_t(r)]) *
                double(ws[size_t(j)]) * wq[size_t(j * kk + c)];
      ASSERT_NEAR(y[size_t(r * n + j)], want, 1e-4 * (1 + std::fabs(want))) << r << "," << j;
    }
}

INSTANTIATE_TEST_SUITE_P(Ranges, Int8LinearRange, ::testing::Values(kActQMaxReduced, kActQMaxFull),
                         [](const auto& info) { return "qmax" + std::to_string(info.param); });

}  // namespace
}  // namespace bertq::kernels
