// Microbenchmarks of the fused elementwise and INT8 elementwise kernels at BERT-base shapes
// (T = 128 tokens, H = 768, I = 3072, attention rows of 128), one entry per supported ISA tier,
// so the SIMD speedup over the scalar reference, and AVX-512 over AVX2, is visible. Bytes/s counts
// the data each kernel touches. The Linear GEMMs (oneDNN, all OpenMP threads) at BERT-base shapes
// in FP32 and u8 x s8 -> s32: items/s counts multiply-accumulates, so the FP32 / INT8 ratio is the
// ceiling of what INT8 can gain over FP32 in the Linears on this CPU (they are ~97% of a bert-base
// forward's MACs).
//
//   build/bench/kernels/bench_kernels --benchmark_filter=gelu
//   build/bench/kernels/bench_kernels --benchmark_filter='quantize|dequant'   # AVX2 vs AVX-512
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/dispatch.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/onednn/linear.h"

namespace {

using bertq::Isa;
using bertq::kernels::KernelTable;

std::vector<float> random_vec(size_t n) {
  std::mt19937 g(7);
  std::uniform_real_distribution<float> d(-3.f, 3.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

void bm_layernorm(benchmark::State& st, Isa isa) {
  const KernelTable& k = bertq::kernels::kernels_for(isa);
  const size_t T = 128, H = 768;
  auto x = random_vec(T * H), r = random_vec(T * H), b = random_vec(H), g = random_vec(H),
       be = random_vec(H), y = std::vector<float>(T * H);
  for (auto _ : st) {
    k.add_bias_residual_layernorm_f32(x.data(), b.data(), r.data(), g.data(), be.data(), 1e-12f,
                                      y.data(), T, H);
    benchmark::DoNotOptimize(y.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(3 * T * H * sizeof(float)));
}

void bm_bias_gelu(benchmark::State& st, Isa isa) {
  const KernelTable& k = bertq::kernels::kernels_for(isa);
  const size_t T = 128, I = 3072;
  auto x = random_vec(T * I), b = random_vec(I);
  for (auto _ : st) {
    k.bias_gelu_f32(x.data(), b.data(), T, I);
    benchmark::DoNotOptimize(x.data());
    st.PauseTiming();
    x = random_vec(T * I);  // GELU of GELU drifts to 0: restart from the same inputs
    st.ResumeTiming();
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * T * I * sizeof(float)));
}

void bm_softmax(benchmark::State& st, Isa isa) {
  const KernelTable& k = bertq::kernels::kernels_for(isa);
  const size_t L = 128, rows = 12 * L;  // 12 heads of [128, 128] scores
  auto s = random_vec(rows * L);
  for (auto _ : st) {
    k.softmax_f32(s.data(), rows, L, L, 0.125f);
    benchmark::DoNotOptimize(s.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * rows * L * sizeof(float)));
}

// The INT8 elementwise kernels of a BERT-base FFN at T = 128: activation quantization of the
// [T, 768] input (dynamic range, qmax 127) and the s32 -> f32 epilogue of the [T, 3072] output
// (bias + GELU), the part of an INT8 forward outside the GEMMs that an AVX-512 tier speeds up.
void bm_quantize_rows(benchmark::State& st, Isa isa) {
  const KernelTable& k = bertq::kernels::kernels_for(isa);
  const size_t T = 128, H = 768;
  auto x = random_vec(T * H);
  std::vector<uint8_t> q(T * H);
  std::vector<float> scale(T);
  std::vector<int32_t> zero(T);
  for (auto _ : st) {
    k.quantize_rows_u8(x.data(), T, H, 127, q.data(), scale.data(), zero.data());
    benchmark::DoNotOptimize(q.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(T * H * (sizeof(float) + 1)));
}

void bm_dequant_bias_gelu(benchmark::State& st, Isa isa) {
  const KernelTable& k = bertq::kernels::kernels_for(isa);
  const size_t T = 128, I = 3072;
  std::vector<int32_t> acc(T * I), colsum(I, 1000), zero(T, 64);
  for (size_t i = 0; i < acc.size(); ++i) acc[i] = int32_t(i * 7919 % 200001) - 100000;
  std::vector<float> rs(T, 1e-3f), cs(I, 2e-3f), y(T * I);
  auto b = random_vec(I);
  for (auto _ : st) {
    k.dequant_bias_f32(acc.data(), rs.data(), zero.data(), cs.data(), colsum.data(), b.data(), true,
                       y.data(), T, I);
    benchmark::DoNotOptimize(y.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(T * I * 2 * sizeof(float)));
}

// y[M, N] = x[M, K] W^T through PackedLinear (F32, bias fused; qmax 0) or Int8Linear (s32 out)
// with activations in [0, qmax] (127, or 255: two GEMMs on CPUs without VNNI).
void bm_gemm(benchmark::State& st, int qmax, int64_t m, int64_t n, int64_t k) {
  const bool int8 = qmax > 0;
  auto w = random_vec(size_t(n * k)), b = random_vec(size_t(n)), x = random_vec(size_t(m * k));
  if (int8) {
    std::vector<int8_t> wq(w.size());
    for (size_t i = 0; i < w.size(); ++i) wq[i] = static_cast<int8_t>(int(w[i] * 40) % 127);
    std::vector<float> ws(size_t(n), 0.01f);
    std::vector<uint8_t> xq(x.size());
    for (size_t i = 0; i < x.size(); ++i) xq[i] = static_cast<uint8_t>(int(x[i] * 20 + 64) & qmax);
    std::vector<int32_t> acc(size_t(m * n));
    bertq::kernels::Int8Linear fc(wq.data(), ws.data(), b.data(), n, k);
    for (auto _ : st) {
      fc.forward(xq.data(), m, acc.data(), qmax);
      benchmark::DoNotOptimize(acc.data());
    }
  } else {
    std::vector<float> y(size_t(m * n));
    bertq::kernels::PackedLinear fc(w.data(), b.data(), n, k, bertq::kernels::GemmType::F32, true);
    for (auto _ : st) {
      fc.forward(x.data(), m, y.data());
      benchmark::DoNotOptimize(y.data());
    }
  }
  st.SetItemsProcessed(int64_t(st.iterations()) * m * n * k);
}

int register_all() {
  for (int64_t m : {128, 256, 512, 1024})
    for (auto [n, k] : {std::pair<int64_t, int64_t>{3072, 768}, {768, 3072}, {768, 768}})
      for (int qmax : {0, 127, 255}) {
        const std::string name =
            std::string(qmax ? "gemm_u8s8s32_q" + std::to_string(qmax) : "gemm_f32") + "/M" +
            std::to_string(m) + "xN" + std::to_string(n) + "xK" + std::to_string(k);
        benchmark::RegisterBenchmark(name.c_str(), bm_gemm, qmax, m, n, k)->UseRealTime();
      }
  for (Isa isa : bertq::supported_isas()) {
    const std::string n(bertq::isa_name(isa));
    benchmark::RegisterBenchmark(("layernorm_f32_" + n + "/T128xH768").c_str(), bm_layernorm, isa);
    benchmark::RegisterBenchmark(("bias_gelu_f32_" + n + "/T128xI3072").c_str(), bm_bias_gelu, isa);
    benchmark::RegisterBenchmark(("softmax_f32_" + n + "/12x128x128").c_str(), bm_softmax, isa);
    benchmark::RegisterBenchmark(("quantize_rows_u8_" + n + "/T128xH768").c_str(), bm_quantize_rows,
                                 isa);
    benchmark::RegisterBenchmark(("dequant_bias_gelu_f32_" + n + "/T128xI3072").c_str(),
                                 bm_dequant_bias_gelu, isa);
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace

BENCHMARK_MAIN();
