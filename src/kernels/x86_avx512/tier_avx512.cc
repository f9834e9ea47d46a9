// The AVX-512 (F/BW/DQ/VL) tier (16 floats per step), compiled with -mavx512f -mavx512bw
// -mavx512dq -mavx512vl -mfma: the fused elementwise kernels (x86_common/kernel_bodies.h over
// VecAvx512), the INT8 elementwise kernels (x86_common/int8_bodies.h over VecAvx512: activation
// quantization and the s32 -> f32 epilogue; the int8 GEMM is oneDNN's, which selects VNNI
// itself) and the f32 -> bf16 conversion written directly in AVX-512 integer ops. Everything but
// fill_tier_avx512 has internal linkage. tests/kernels/emulated compiles this file a second time
// over SIMDe, so its logic is tested against the references on CPUs without AVX-512 too.
#include "kernels/ref/ref_kernels.h"
#include "kernels/tiers.h"
#include "kernels/x86_avx512/vec_avx512.h"
#include "kernels/x86_common/int8_bodies.h"
#include "kernels/x86_common/kernel_bodies.h"

namespace bertq::kernels {
namespace {

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

}  // namespace

void fill_tier_avx512(KernelTable& t) {
  fill_bodies<VecAvx512>(t);
  fill_int8_bodies<VecAvx512>(t);
  t.convert_f32_bf16 = convert_f32_bf16_avx512;
}

}  // namespace bertq::kernels
