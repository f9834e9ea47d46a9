// Scalar references of the fused elementwise kernels (see kernel_table.h for the math of each).
// Sums (mean, variance, softmax denominator) accumulate in double; transcendental functions
// come from libm. These are the generic tier and the ground truth of the kernel tests.
#include "kernels/ref/ref_kernels.h"

#include <cmath>
#include <cstring>

namespace bertq::kernels {

void add_bias_residual_layernorm_f32_ref(const float* x, const float* bias, const float* residual,
                                         const float* gamma, const float* beta, float eps, float* y,
                                         size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    const float* rr = residual ? residual + r * n : nullptr;
    float* yr = y + r * n;
    double sum = 0;
    for (size_t c = 0; c < n; ++c) {
      // t is rounded to float like the fused kernels do; y may alias x or residual.
      const float t = xr[c] + (bias ? bias[c] : 0.f) + (rr ? rr[c] : 0.f);
      yr[c] = t;
      sum += t;
    }
    const double mean = sum / double(n);
    double var = 0;
    for (size_t c = 0; c < n; ++c) var += (yr[c] - mean) * (yr[c] - mean);
    var /= double(n);
    // PyTorch LayerNorm: eps is added to the biased variance inside the square root.
    const double inv = 1.0 / std::sqrt(var + double(eps));
    for (size_t c = 0; c < n; ++c) {
      yr[c] = float((yr[c] - mean) * inv * gamma[c] + beta[c]);
    }
  }
}

void bias_gelu_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    float* xr = x + r * n;
    for (size_t c = 0; c < n; ++c) {
      const double t = double(xr[c]) + (bias ? bias[c] : 0.f);
      xr[c] = float(0.5 * t * (1.0 + std::erf(t * M_SQRT1_2)));
    }
  }
}

void add_bias_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < n; ++c) x[r * n + c] += bias[c];
  }
}

void bias_tanh_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    float* xr = x + r * n;
    for (size_t c = 0; c < n; ++c) xr[c] = float(std::tanh(double(xr[c]) + (bias ? bias[c] : 0.f)));
  }
}

void softmax_f32_ref(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    float* xr = x + r * ld;
    double mx = -INFINITY;
    for (size_t c = 0; c < n; ++c) mx = std::fmax(mx, double(scale) * xr[c]);
    double sum = 0;
    for (size_t c = 0; c < n; ++c) sum += std::exp(double(scale) * xr[c] - mx);
    for (size_t c = 0; c < n; ++c) xr[c] = float(std::exp(double(scale) * xr[c] - mx) / sum);
  }
}

void erf_f32_ref(const float* x, float* y, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i) y[i] = std::erf(x[i]);
}

void convert_f32_bf16_ref(const float* x, uint16_t* y, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, &x[i], 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
      y[i] = uint16_t((u >> 16) | 0x40);  // quiet NaN
      continue;
    }
    u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
    y[i] = uint16_t(u >> 16);
  }
}

}  // namespace bertq::kernels
