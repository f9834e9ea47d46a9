// AVX2 tier of the INT8 elementwise kernels (quantize-row, dequantize + bias (+ GELU) epilogue);
// math in kernels/int8_scheme.h, signatures as the references in kernels/ref/int8_ref.h. The
// AVX-512 tiers reuse these (the int8 GEMM itself is oneDNN's, which picks VNNI on its own).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertq::kernels {

void quantize_rows_u8_avx2(const float* x, size_t rows, size_t k, int qmax, uint8_t* q,
                           float* scale, int32_t* zero) noexcept;
void quantize_rows_u8_fixed_avx2(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                 int qmax, uint8_t* q) noexcept;
void dequant_bias_f32_avx2(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                           const float* col_scale, const int32_t* col_sum, const float* bias,
                           bool gelu, float* y, size_t rows, size_t n) noexcept;

}  // namespace bertq::kernels
