// Microbenchmarks of the fused elementwise kernels at BERT-base shapes (T = 128 tokens,
// H = 768, I = 3072, attention rows of 128), one entry per supported ISA tier, so the SIMD
// speedup over the scalar reference is visible. Bytes/s counts the data each kernel touches.
//
//   build/bench/kernels/bench_kernels --benchmark_filter=gelu
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/dispatch.h"

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

int register_all() {
  for (Isa isa : bertq::supported_isas()) {
    const std::string n(bertq::isa_name(isa));
    benchmark::RegisterBenchmark(("layernorm_f32_" + n + "/T128xH768").c_str(), bm_layernorm, isa);
    benchmark::RegisterBenchmark(("bias_gelu_f32_" + n + "/T128xI3072").c_str(), bm_bias_gelu, isa);
    benchmark::RegisterBenchmark(("softmax_f32_" + n + "/12x128x128").c_str(), bm_softmax, isa);
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace

BENCHMARK_MAIN();
