// The avx512 tier of the fused elementwise kernels (bodies in x86_common/kernel_bodies.h,
// math and layout in kernel_table.h). Call them only when the CPU supports avx512
// (dispatch.cc checks).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertq::kernels {

void add_bias_residual_layernorm_f32_avx512(const float* x, const float* bias,
                                            const float* residual, const float* gamma,
                                            const float* beta, float eps, float* y, size_t rows,
                                            size_t n) noexcept;
void bias_gelu_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept;
void add_bias_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept;
void bias_tanh_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept;
void softmax_f32_avx512(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept;
void erf_f32_avx512(const float* x, float* y, size_t n) noexcept;
void convert_f32_bf16_avx512(const float* x, uint16_t* y, size_t n) noexcept;

}  // namespace bertq::kernels
