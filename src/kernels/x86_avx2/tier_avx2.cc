// The AVX2 + FMA tier (8 floats per step), compiled with -mavx2 -mfma -mf16c: the fused
// elementwise kernels (bodies in x86_common/kernel_bodies.h over VecAvx2), the f32 -> bf16
// conversion and the INT8 elementwise kernels written directly in AVX2 integer ops. Everything
// but fill_tier_avx2 has internal linkage, so nothing compiled here can be linked into another
// tier. Math and layout of each kernel: kernel_table.h and int8_scheme.h.
//
// INT8: quantize-row reproduces the scalar reference bit for bit (float min/max, one multiply
// by inv, clamp to ±65536, cvtps2dq = round half to even, + zero, saturating packs to u8, min
// with qmax); the epilogue is float math (one FMA per element, compared to the double
// reference with a tolerance). Row tails go through the references.
#include "kernels/int8_scheme.h"
#include "kernels/ref/int8_ref.h"
#include "kernels/ref/ref_kernels.h"
#include "kernels/tiers.h"
#include "kernels/x86_avx2/vec_avx2.h"
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

inline __m256i quantize8(const float* x, __m256 inv, __m256i zero) {
  __m256 t = _mm256_mul_ps(_mm256_loadu_ps(x), inv);
  t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(-kActClamp)), _mm256_set1_ps(kActClamp));
  return _mm256_add_epi32(_mm256_cvtps_epi32(t), zero);
}

// q[0:k] from x[0:k] with a fixed (inv, zero).
void quantize_row(const float* x, size_t k, float inv, int32_t zero, int qmax, uint8_t* q) {
  const __m256 vinv = _mm256_set1_ps(inv);
  const __m256i vz = _mm256_set1_epi32(zero);
  const __m256i vmax = _mm256_set1_epi8(char(uint8_t(qmax)));
  const __m256i perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  size_t c = 0;
  for (; c + 32 <= k; c += 32) {
    const __m256i a = quantize8(x + c, vinv, vz), b = quantize8(x + c + 8, vinv, vz);
    const __m256i d = quantize8(x + c + 16, vinv, vz), e = quantize8(x + c + 24, vinv, vz);
    // packs: per 128-bit lane; the permute restores element order. Saturation does the
    // clamp to [0, 255]; min_epu8 the one to qmax.
    const __m256i ab = _mm256_packs_epi32(a, b), de = _mm256_packs_epi32(d, e);
    __m256i u = _mm256_packus_epi16(ab, de);
    u = _mm256_permutevar8x32_epi32(u, perm);
    u = _mm256_min_epu8(u, vmax);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + c), u);
  }
  if (c < k) quantize_rows_u8_fixed_ref(x + c, 1, k - c, inv, zero, qmax, q + c);
}

void quantize_rows_u8_fixed_avx2(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                 int qmax, uint8_t* q) noexcept {
  for (size_t r = 0; r < rows; ++r) quantize_row(x + r * k, k, inv, zero, qmax, q + r * k);
}

void quantize_rows_u8_avx2(const float* x, size_t rows, size_t k, int qmax, uint8_t* q,
                           float* scale, int32_t* zero) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * k;
    __m256 vlo = _mm256_setzero_ps(), vhi = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 8 <= k; c += 8) {
      const __m256 v = _mm256_loadu_ps(xr + c);
      vlo = _mm256_min_ps(vlo, v);
      vhi = _mm256_max_ps(vhi, v);
    }
    alignas(32) float l8[8], h8[8];
    _mm256_store_ps(l8, vlo);
    _mm256_store_ps(h8, vhi);
    float lo = 0.f, hi = 0.f;
    for (int i = 0; i < 8; ++i) {
      lo = l8[i] < lo ? l8[i] : lo;
      hi = h8[i] > hi ? h8[i] : hi;
    }
    for (; c < k; ++c) {
      lo = xr[c] < lo ? xr[c] : lo;
      hi = xr[c] > hi ? xr[c] : hi;
    }
    float inv;
    activation_params_ref(lo, hi, qmax, &scale[r], &inv, &zero[r]);
    quantize_row(xr, k, inv, zero[r], qmax, q + r * k);
  }
}

void dequant_bias_f32_avx2(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                           const float* col_scale, const int32_t* col_sum, const float* bias,
                           bool gelu, float* y, size_t rows, size_t n) noexcept {
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* a = acc + r * n;
    float* yr = y + r * n;
    const __m256 vs = _mm256_set1_ps(row_scale[r]);
    const __m256i vz = _mm256_set1_epi32(row_zero[r]);
    size_t c = 0;
    for (; c + 8 <= n; c += 8) {
      const __m256i cs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col_sum + c));
      const __m256i v = _mm256_sub_epi32(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + c)), _mm256_mullo_epi32(vz, cs));
      const __m256 s = _mm256_mul_ps(vs, _mm256_loadu_ps(col_scale + c));
      const __m256 b = bias ? _mm256_loadu_ps(bias + c) : _mm256_setzero_ps();
      _mm256_storeu_ps(yr + c, _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), s, b));
    }
    for (; c < n; ++c) {
      const int32_t v = a[c] - row_zero[r] * col_sum[c];
      yr[c] = float(v) * (row_scale[r] * col_scale[c]) + (bias ? bias[c] : 0.f);
    }
    if (gelu) Bodies<VecAvx2>::bias_gelu(yr, nullptr, 1, n);
  }
}

}  // namespace

void fill_tier_avx2(KernelTable& t) {
  fill_bodies<VecAvx2>(t);
  t.convert_f32_bf16 = convert_f32_bf16_avx2;
  t.quantize_rows_u8 = quantize_rows_u8_avx2;
  t.quantize_rows_u8_fixed = quantize_rows_u8_fixed_avx2;
  t.dequant_bias_f32 = dequant_bias_f32_avx2;
}

}  // namespace bertq::kernels
