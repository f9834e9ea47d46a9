// Scalar reference kernels (the "generic" tier): plain loops, double accumulation where a sum
// is formed, libm erf/exp/tanh. Every SIMD kernel is tested against these.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bertq::kernels {

void add_bias_residual_layernorm_f32_ref(const float* x, const float* bias, const float* residual,
                                         const float* gamma, const float* beta, float eps, float* y,
                                         size_t rows, size_t n) noexcept;
void bias_gelu_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept;
void add_bias_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept;
void bias_tanh_f32_ref(float* x, const float* bias, size_t rows, size_t n) noexcept;
void softmax_f32_ref(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept;
void erf_f32_ref(const float* x, float* y, size_t n) noexcept;
void convert_f32_bf16_ref(const float* x, uint16_t* y, size_t n) noexcept;

}  // namespace bertq::kernels
