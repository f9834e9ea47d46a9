// The AVX2 + FMA tier (8 floats per step), compiled with -mavx2 -mfma -mf16c: the fused
// elementwise kernels (x86_common/kernel_bodies.h over VecAvx2), the INT8 elementwise kernels
// (x86_common/int8_bodies.h over VecAvx2) and the f32 -> bf16 conversion written directly in
// AVX2 integer ops. Everything but fill_tier_avx2 has internal linkage, so nothing compiled here
// can be linked into another tier. Math and layout of each kernel: kernel_table.h and
// int8_scheme.h.
#include "kernels/ref/ref_kernels.h"
#include "kernels/tiers.h"
#include "kernels/x86_avx2/vec_avx2.h"
#include "kernels/x86_common/int8_bodies.h"
#include "kernels/x86_common/kernel_bodies.h"

namespace bertq::kernels {
namespace {

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

}  // namespace

void fill_tier_avx2(KernelTable& t) {
  fill_bodies<VecAvx2>(t);
  t.convert_f32_bf16 = convert_f32_bf16_avx2;
  fill_int8_bodies<VecAvx2>(t);
}

}  // namespace bertq::kernels
