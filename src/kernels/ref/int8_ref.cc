// Scalar INT8 references (math in kernels/int8_scheme.h). Float arithmetic is written so the
// SIMD kernels can reproduce quantize-row bit for bit: single-precision min/max, one float
// multiply by inv, round half to even.
#include "kernels/ref/int8_ref.h"

#include <algorithm>
#include <cmath>

#include "kernels/int8_scheme.h"
#include "kernels/ref/ref_kernels.h"

namespace bertq::kernels {

float quantize_symmetric_row_s8_ref(const float* w, size_t n, int8_t* q) noexcept {
  float amax = 0.f;
  for (size_t i = 0; i < n; ++i) amax = std::max(amax, std::fabs(w[i]));
  float s = amax / float(kWeightQMax);
  if (s == 0.f) s = 1.f;
  for (size_t i = 0; i < n; ++i) {
    const float t = std::nearbyint(w[i] / s);
    q[i] = int8_t(std::clamp(t, float(-kWeightQMax), float(kWeightQMax)));
  }
  return s;
}

void activation_params_ref(float lo, float hi, int qmax, float* scale, float* inv,
                           int32_t* zero) noexcept {
  const float range = hi - lo;
  if (!(range > 0.f)) {
    *scale = 1.f;
    *inv = 1.f;
    *zero = 0;
    return;
  }
  *scale = range / float(qmax);
  *inv = float(qmax) / range;
  const float z = std::nearbyint(-lo * *inv);
  *zero = int32_t(std::clamp(z, 0.f, float(qmax)));
}

static inline uint8_t quantize_one(float x, float inv, int32_t zero, int qmax) noexcept {
  const float t = std::min(std::max(x * inv, -kActClamp), kActClamp);
  const int32_t v = int32_t(std::nearbyint(t)) + zero;
  return uint8_t(std::clamp(v, 0, qmax));
}

void quantize_rows_u8_fixed_ref(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                int qmax, uint8_t* q) noexcept {
  for (size_t i = 0; i < rows * k; ++i) q[i] = quantize_one(x[i], inv, zero, qmax);
}

void quantize_rows_u8_ref(const float* x, size_t rows, size_t k, int qmax, uint8_t* q, float* scale,
                          int32_t* zero) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * k;
    float lo = 0.f, hi = 0.f;
    for (size_t c = 0; c < k; ++c) {
      lo = std::min(lo, xr[c]);
      hi = std::max(hi, xr[c]);
    }
    float inv;
    activation_params_ref(lo, hi, qmax, &scale[r], &inv, &zero[r]);
    quantize_rows_u8_fixed_ref(xr, 1, k, inv, zero[r], qmax, q + r * k);
  }
}

void dequant_bias_f32_ref(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                          const float* col_scale, const int32_t* col_sum, const float* bias,
                          bool gelu, float* y, size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < n; ++c) {
      const int32_t a = acc[r * n + c] - row_zero[r] * col_sum[c];
      const double v =
          double(a) * double(row_scale[r]) * double(col_scale[c]) + (bias ? double(bias[c]) : 0.0);
      y[r * n + c] = float(v);
    }
    if (gelu) bias_gelu_f32_ref(y + r * n, nullptr, 1, n);
  }
}

void gemm_u8s8s32_ref(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda, const int8_t* b,
                      size_t ldb, int32_t* c, size_t ldc) noexcept {
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      int32_t s = 0;
      for (size_t l = 0; l < k; ++l) s += int32_t(a[i * lda + l]) * int32_t(b[j * ldb + l]);
      c[i * ldc + j] = s;
    }
}

}  // namespace bertq::kernels
