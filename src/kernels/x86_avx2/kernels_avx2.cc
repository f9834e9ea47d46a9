// AVX2 + FMA instantiation of the fused elementwise kernels (8 floats per step), plus the
// f32 -> bf16 conversion written directly in AVX2 integer ops.
#include "kernels/x86_avx2/kernels_avx2.h"

#include "kernels/ref/ref_kernels.h"
#include "kernels/x86_avx2/vec_avx2.h"
#include "kernels/x86_common/kernel_bodies.h"

namespace bertq::kernels {

using B2 = Bodies<VecAvx2>;

void add_bias_residual_layernorm_f32_avx2(const float* x, const float* bias, const float* residual,
                                          const float* gamma, const float* beta, float eps,
                                          float* y, size_t rows, size_t n) noexcept {
  B2::layernorm(x, bias, residual, gamma, beta, eps, y, rows, n);
}
void bias_gelu_f32_avx2(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B2::bias_gelu(x, bias, rows, n);
}
void add_bias_f32_avx2(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B2::add_bias(x, bias, rows, n);
}
void bias_tanh_f32_avx2(float* x, const float* bias, size_t rows, size_t n) noexcept {
  B2::bias_tanh(x, bias, rows, n);
}
void softmax_f32_avx2(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept {
  B2::softmax(x, rows, n, ld, scale);
}
void erf_f32_avx2(const float* x, float* y, size_t n) noexcept {
  B2::erf_array(x, y, n);
}

// bf16 = upper 16 bits of f32 after adding 0x7fff + lsb (round to nearest even); NaN -> quiet.
void convert_f32_bf16_avx2(const float* x, uint16_t* y, size_t n) noexcept {
  size_t i = 0;
  const __m256i round = _mm256_set1_epi32(0x7fff), one = _mm256_set1_epi32(1);
  const __m256i qnan = _mm256_set1_epi32(0x40);
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256i u = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), one);
    __m256i r = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(round, lsb)), 16);
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    r = _mm256_blendv_epi8(r, _mm256_or_si256(_mm256_srli_epi32(u, 16), qnan), nan);
    const __m128i packed =
        _mm_packus_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), packed);
  }
  convert_f32_bf16_ref(x + i, y + i, n - i);
}

}  // namespace bertq::kernels
