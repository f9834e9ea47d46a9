// oneDNN wrappers: PackedLinear (prepacked weights, runtime M) and gemm_f32 vs naive
// double-accumulated matmuls on odd shapes; the BF16 type either works within its looser
// tolerance or refuses with UNSUPPORTED on CPUs without bf16 support.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "kernels/onednn/linear.h"
#include "tolerances.h"

namespace bertq::kernels {
namespace {

using bertq::testing::all_close;
using namespace bertq::kernels::testing;

std::vector<float> random_vec(size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

// y[m, n] = x[m, k] . w[n, k]^T + bias
std::vector<float> naive_linear(const std::vector<float>& x, const std::vector<float>& w,
                                const float* bias, int64_t m, int64_t n, int64_t k) {
  std::vector<float> y(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = bias ? bias[j] : 0.0;
      for (int64_t l = 0; l < k; ++l) s += double(x[i * k + l]) * w[j * k + l];
      y[i * n + j] = float(s);
    }
  return y;
}

TEST(PackedLinear, MatchesNaiveOnOddShapesWithVaryingM) {
  const int64_t shapes[][2] = {{1, 1}, {3, 17}, {33, 31}, {129, 127}, {64, 768}};
  for (auto [n, k] : shapes) {
    const auto w = random_vec(n * k, 1 + n);
    const auto b = random_vec(n, 2 + n);
    for (bool fuse : {true, false})
      for (F32Layout layout : {F32Layout::AUTO, F32Layout::NK, F32Layout::ANY}) {
        const PackedLinear fc(w.data(), b.data(), n, k, GemmType::F32, fuse, false, layout);
        EXPECT_NE(fc.layout(), F32Layout::AUTO);
        if (layout != F32Layout::AUTO) EXPECT_EQ(fc.layout(), layout);
        EXPECT_EQ(fc.n(), n);
        EXPECT_EQ(fc.k(), k);
        ASSERT_NE(fc.bias(), nullptr);
        for (int64_t m : {1, 2, 7, 17, 130}) {  // one primitive, many M
          SCOPED_TRACE(::testing::Message()
                       << "m=" << m << " n=" << n << " k=" << k << " layout " << int(fc.layout()));
          const auto x = random_vec(m * k, 3 + m);
          std::vector<float> y(m * n, 1e30f);
          fc.forward(x.data(), m, y.data());
          const auto want = naive_linear(x, w, fuse ? b.data() : nullptr, m, n, k);
          const double scale = std::sqrt(double(k));
          ASSERT_TRUE(all_close(y.data(), want.data(), y.size(), kLinearF32Tol.rtol,
                                kLinearF32Tol.atol * scale));
        }
      }
  }
}

TEST(PackedLinear, SharedAcrossThreads) {
  const int64_t n = 96, k = 200, m = 37;
  const auto w = random_vec(n * k, 5), b = random_vec(n, 6), x = random_vec(m * k, 7);
  const PackedLinear fc(w.data(), b.data(), n, k, GemmType::F32, true);
  std::vector<float> first(m * n);
  fc.forward(x.data(), m, first.data());
  std::vector<std::vector<float>> outs(4, std::vector<float>(m * n));
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) fc.forward(x.data(), m, outs[t].data());
    });
  for (auto& t : ts) t.join();
  for (const auto& o : outs) ASSERT_EQ(o, first);
}

TEST(PackedLinear, BorrowedWeightsAreUsedInPlace) {
  const int64_t n = 33, k = 65, m = 4;
  auto w = random_vec(n * k, 13);
  const auto x = random_vec(m * k, 14);
  const PackedLinear copied(w.data(), nullptr, n, k, GemmType::F32, false);
  const PackedLinear borrowed(w.data(), nullptr, n, k, GemmType::F32, false, true, F32Layout::NK);
  std::vector<float> a(m * n), b(m * n);
  copied.forward(x.data(), m, a.data());
  borrowed.forward(x.data(), m, b.data());
  ASSERT_EQ(a, b);
  for (auto& v : w) v *= 2.f;  // the borrowed Linear sees the change, the copy does not
  copied.forward(x.data(), m, a.data());
  borrowed.forward(x.data(), m, b.data());
  const auto want = naive_linear(x, w, nullptr, m, n, k);
  EXPECT_TRUE(all_close(b.data(), want.data(), b.size(), 1e-5, 1e-4));
  EXPECT_FALSE(all_close(a.data(), want.data(), a.size(), 1e-5, 1e-4));
}

// AUTO times both layouts once per shape and keeps its choice for the process.
TEST(PackedLinear, AutoLayoutIsMeasuredOncePerShape) {
  const F32Layout a = f32_layout_for(768, 3072, false);
  EXPECT_TRUE(a == F32Layout::NK || a == F32Layout::ANY);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f32_layout_for(768, 3072, false), a);
  const auto w = random_vec(768 * 3072, 21);
  EXPECT_EQ(PackedLinear(w.data(), nullptr, 768, 3072, GemmType::F32, false).layout(), a);
}

TEST(PackedLinear, RejectsEmptyShape) {
  const float w = 1.f;
  EXPECT_THROW(PackedLinear(&w, nullptr, 0, 1, GemmType::F32, false), Error);
}

TEST(PackedLinear, Bf16WorksOrRefusesClearly) {
  const int64_t n = 33, k = 129, m = 5;
  const auto w = random_vec(n * k, 8), b = random_vec(n, 9), x = random_vec(m * k, 10);
  if (!bf16_gemm_supported()) {
    try {
      PackedLinear fc(w.data(), b.data(), n, k, GemmType::BF16, true);
      FAIL() << "bf16_gemm_supported() is false but construction succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED) << e.what();
    }
    GTEST_SKIP() << "bf16 matmul not implemented on this CPU: checked that it refuses";
  }
  const PackedLinear fc(w.data(), b.data(), n, k, GemmType::BF16, true);
  std::vector<uint16_t> xb(m * k);
  for (size_t i = 0; i < xb.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &x[i], 4);
    xb[i] = uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  }
  std::vector<float> y(m * n);
  fc.forward(xb.data(), m, y.data());
  const auto want = naive_linear(x, w, b.data(), m, n, k);
  EXPECT_LE(bertq::testing::rel_l2(y.data(), want.data(), y.size()), kLinearBf16Tol.rtol);
}

TEST(GemmF32, TransposesAndStrides) {
  // C[m, n] = A[m, k] . B^T with B stored [n, k] inside a wider buffer (ld 3k), like Q.K^T
  // per head inside the fused QKV rows.
  const int64_t m = 13, n = 17, k = 31, ld = 3 * k;
  const auto a = random_vec(m * ld, 11), b = random_vec(std::max(n, k) * ld, 12);
  std::vector<float> c(m * n, 0.f);
  gemm_f32(false, true, m, n, k, 0.5f, a.data(), ld, b.data(), ld, 0.f, c.data(), n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t l = 0; l < k; ++l) s += double(a[i * ld + l]) * b[j * ld + l];
      ASSERT_NEAR(c[i * n + j], 0.5 * s, 1e-5) << i << "," << j;
    }
  // C[m, n] = P[m, k] . V[k, n] with V rows ld apart.
  std::vector<float> c2(m * n, 0.f);
  gemm_f32(false, false, m, n, k, 1.f, a.data(), ld, b.data(), ld, 0.f, c2.data(), n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t l = 0; l < k; ++l) s += double(a[i * ld + l]) * b[l * ld + j];
      ASSERT_NEAR(c2[i * n + j], s, 1e-5) << i << "," << j;
    }
}

}  // namespace
}  // namespace bertq::kernels
