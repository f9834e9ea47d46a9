// The table of fused elementwise kernels, one instance per ISA tier (filled once in
// dispatch.cc). Kernels take raw pointers and sizes, are noexcept and validate nothing: the
// engine's ops check shapes once, then call through the table.
//
// Shape legend (shared with src/engine): B batch, T tokens, H hidden, NH heads, HS head size,
// I intermediate, V vocab; M/N/K for GEMM. Rows are contiguous: element (r, c) of a
// [rows, n] matrix is at p[r * n + c] unless a leading dimension `ld` is given.
//
// Naming: <op>_<types>_<isa>, e.g. layernorm_f32_avx2, bias_gelu_f32_ref.
//
//   const auto& k = bertq::kernels::active_kernels();
//   k.bias_gelu_f32(y, bias, rows, n);
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/cpu_features.h"

namespace bertq::kernels {

struct KernelTable {
  Isa isa = Isa::GENERIC;

  // y[r, :] = LayerNorm(x[r, :] + bias + residual[r, :]) * gamma + beta over n columns, with
  // PyTorch's eps placement: (t - mean) / sqrt(var + eps), var the biased (1/n) variance.
  // bias and residual may be null (skipped). y may alias x or residual.
  void (*add_bias_residual_layernorm_f32)(const float* x, const float* bias, const float* residual,
                                          const float* gamma, const float* beta, float eps,
                                          float* y, size_t rows, size_t n) noexcept = nullptr;

  // In place: x[r, c] = gelu(x[r, c] + bias[c]), exact GELU 0.5 t (1 + erf(t / sqrt(2))).
  // bias may be null.
  void (*bias_gelu_f32)(float* x, const float* bias, size_t rows, size_t n) noexcept = nullptr;

  // In place: x[r, c] += bias[c].
  void (*add_bias_f32)(float* x, const float* bias, size_t rows, size_t n) noexcept = nullptr;

  // In place: x[r, c] = tanh(x[r, c] + bias[c]) (the pooler). bias may be null.
  void (*bias_tanh_f32)(float* x, const float* bias, size_t rows, size_t n) noexcept = nullptr;

  // In place, row by row: x[r, 0:n] = softmax(scale * x[r, 0:n]); rows are `ld` floats apart
  // (ld >= n); columns n..ld-1 are left alone (the masked tail of a padded row).
  void (*softmax_f32)(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept = nullptr;

  // y[i] = erf(x[i]) with the approximation the GELU kernel uses (exposed for its test).
  void (*erf_f32)(const float* x, float* y, size_t n) noexcept = nullptr;

  // y[i] = bf16(x[i]), round to nearest even (NaN stays NaN). The BF16 compute mode's
  // activation conversion.
  void (*convert_f32_bf16)(const float* x, uint16_t* y, size_t n) noexcept = nullptr;

  // INT8 (scheme, rounding and saturation rules in kernels/int8_scheme.h).
  // Per row r of x[rows, k]: dynamic range -> scale[r], zero[r], q[r, :] in [0, qmax].
  void (*quantize_rows_u8)(const float* x, size_t rows, size_t k, int qmax, uint8_t* q,
                           float* scale, int32_t* zero) noexcept = nullptr;
  // Fixed (calibrated) range: q = clamp(rint(clamp(x * inv, ±65536)) + zero, 0, qmax).
  void (*quantize_rows_u8_fixed)(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                 int qmax, uint8_t* q) noexcept = nullptr;
  // y[r, c] = row_scale[r] col_scale[c] (acc[r, c] - row_zero[r] col_sum[c]) + bias[c]
  // (bias may be null), then exact GELU when `gelu`. acc and y are [rows, n].
  void (*dequant_bias_f32)(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                           const float* col_scale, const int32_t* col_sum, const float* bias,
                           bool gelu, float* y, size_t rows, size_t n) noexcept = nullptr;
};

}  // namespace bertq::kernels
