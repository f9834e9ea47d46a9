// Scalar references of the INT8 kernels (scheme in kernels/int8_scheme.h): the generic tier
// and the ground truth of the tests (the integer GEMM and quantize-row must be matched exactly).
//
//   int8_t q[768]; float s = quantize_symmetric_row_s8_ref(w_row, 768, q);
//   gemm_u8s8s32_ref(m, n, k, xq, k, wq, k, acc, n);
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertq::kernels {

// Weights / embedding rows: q[i] = clamp(rint(w[i] / s), -127, 127), s = max|w| / 127 (1 if
// all zero). Returns s.
float quantize_symmetric_row_s8_ref(const float* w, size_t n, int8_t* q) noexcept;

// Activation range -> (scale, inv, zero) for qmax (int8_scheme.h). lo <= 0 <= hi expected
// (callers pass min(0, .) / max(0, .)).
void activation_params_ref(float lo, float hi, int qmax, float* scale, float* inv,
                           int32_t* zero) noexcept;

// Per row r of x[rows, k]: dynamic range, scale[r], zero[r], q[r, :] in [0, qmax].
void quantize_rows_u8_ref(const float* x, size_t rows, size_t k, int qmax, uint8_t* q, float* scale,
                          int32_t* zero) noexcept;
// Fixed range (static scheme): q = clamp(rint(clamp(x * inv, ±65536)) + zero, 0, qmax).
void quantize_rows_u8_fixed_ref(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                int qmax, uint8_t* q) noexcept;

// y[r, c] = row_scale[r] * col_scale[c] * (acc[r, c] - row_zero[r] * col_sum[c]) + bias[c],
// then exact GELU if `gelu`. bias may be null. acc [rows, n], y [rows, n] (may not alias).
void dequant_bias_f32_ref(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                          const float* col_scale, const int32_t* col_sum, const float* bias,
                          bool gelu, float* y, size_t rows, size_t n) noexcept;

// c[i, j] = Σ_l a[i, l] · b[j, l] (int32), a u8 [m, k] (row stride lda), b s8 [n, k] (ldb),
// c [m, n] (ldc). Plain loops, no saturation anywhere.
void gemm_u8s8s32_ref(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda, const int8_t* b,
                      size_t ldb, int32_t* c, size_t ldc) noexcept;

}  // namespace bertq::kernels
