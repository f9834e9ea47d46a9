// AVX-512 (F/BW/DQ/VL) instantiation of the fused elementwise kernels (16 floats per step),
// plus the f32 -> bf16 conversion written directly in AVX-512 integer ops.
#include "kernels/x86_avx512/kernels_avx512.h"

#include "kernels/ref/ref_kernels.h"
#include "kernels/x86_avx512/vec_avx512.h"
#include "kernels/x86_common/kernel_bodies.h"

namespace bertq::kernels {

using B5 = Bodies<VecAvx512>;

void add_bias_residual_layernorm_f32_avx512(const float* x, const float* bias,
                                            const float* residual, const float* gamma,
                                            const float* beta, float eps, float* y, size_t rows,
                                            size_t n) noexcept {
  B5::layernorm(x, bias, residual, gamma, beta, eps, y, rows, n);
}
void bias_gelu_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B5::bias_gelu(x, bias, rows, n);
}
void add_bias_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B5::add_bias(x, bias, rows, n);
}
void bias_tanh_f32_avx512(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B5::bias_tanh(x, bias, rows, n);
}
void softmax_f32_avx512(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept {
  B5::softmax(x, rows, n, ld, scale);
}
void erf_f32_avx512(const float* x, float* y, size_t n) noexcept {
  B5::erf_array(x, y, n);
}

// bf16 = upper 16 bits of f32 after adding 0x7fff + lsb (round to nearest even); NaN -> quiet.
void convert_f32_bf16_avx512(const float* x, uint16_t* y, size_t n) noexcept {
  size_t i = 0;
  const __m512i round = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1);
  const __m512i qnan = _mm512_set1_epi32(0x40);
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __m512i u = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), one);
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(round, lsb)), 16);
    const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    r = _mm512_mask_mov_epi32(r, nan, _mm512_or_si512(_mm512_srli_epi32(u, 16), qnan));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), _mm512_cvtepi32_epi16(r));
  }
  convert_f32_bf16_ref(x + i, y + i, n - i);
}

}  // namespace bertq::kernels
