// SIMD traits for AVX-512 F/BW/DQ/VL (16 floats per register), the interface kernel_bodies.h
// is written against. Included only by x86_avx512/tier_avx512.cc (compiled with -mavx512*);
// the #error below stops a file compiled with the baseline flags from including it.
#pragma once

#if defined(BERTQ_KERNELS_SIMDE)
// tests/kernels/emulated: this tier compiled over SIMDe's portable AVX-512 (the includer has
// included simde/x86/avx512.h with native aliases), to test its logic on any CPU.
#elif !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || \
    !defined(__AVX512VL__)
#error "vec_avx512.h needs -mavx512f/bw/dq/vl: include it only from x86_avx512/tier_avx512.cc"
#else
#include <immintrin.h>
#endif

#include <cstdint>

namespace bertq::kernels {
namespace {

struct VecAvx512 {
  using R = __m512;
  using I = __m512i;
  static constexpr int kWidth = 16;
  static R load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, R v) { _mm512_storeu_ps(p, v); }
  static R set1(float v) { return _mm512_set1_ps(v); }
  static R add(R a, R b) { return _mm512_add_ps(a, b); }
  static R sub(R a, R b) { return _mm512_sub_ps(a, b); }
  static R mul(R a, R b) { return _mm512_mul_ps(a, b); }
  static R div(R a, R b) { return _mm512_div_ps(a, b); }
  static R fmadd(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R max(R a, R b) { return _mm512_max_ps(a, b); }
  static R min(R a, R b) { return _mm512_min_ps(a, b); }
  static R abs(R a) { return _mm512_abs_ps(a); }
  static R copysign(R mag, R sign) {
    const __m512i m = _mm512_set1_epi32(int(0x80000000u));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_andnot_si512(m, _mm512_castps_si512(mag)),
                                               _mm512_and_si512(m, _mm512_castps_si512(sign))));
  }
  static I round_to_int(R a) { return _mm512_cvtps_epi32(a); }
  static R to_float(I a) { return _mm512_cvtepi32_ps(a); }
  static R pow2(I n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n, _mm512_set1_epi32(127)), 23));
  }
  static float reduce_add(R a) { return _mm512_reduce_add_ps(a); }
  static float reduce_max(R a) { return _mm512_reduce_max_ps(a); }
  static float reduce_min(R a) { return _mm512_reduce_min_ps(a); }

  // int32 lanes and the u8 store of x86_common/int8_bodies.h.
  static I load_i(const int32_t* p) { return _mm512_loadu_si512(p); }
  static I set1_i(int32_t v) { return _mm512_set1_epi32(v); }
  static I add_i(I a, I b) { return _mm512_add_epi32(a, b); }
  static I sub_i(I a, I b) { return _mm512_sub_epi32(a, b); }
  static I mullo_i(I a, I b) { return _mm512_mullo_epi32(a, b); }
  static __m512i set1_u8(uint8_t v) { return _mm512_set1_epi8(char(v)); }
  // 64 int32 lanes -> 64 bytes: the packs saturate (to s16, then u8) per 128-bit lane, so
  // dword j of lane l holds 4 bytes of source j (a..d), elements 4l..4l+3; the permute puts
  // them back in order, min_epu8 clamps to qmax.
  static void store_u8(uint8_t* q, I a, I b, I c, I d, __m512i vmax) {
    const __m512i u = _mm512_packus_epi16(_mm512_packs_epi32(a, b), _mm512_packs_epi32(c, d));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    _mm512_storeu_si512(q, _mm512_min_epu8(_mm512_permutexvar_epi32(order, u), vmax));
  }
};

}  // namespace
}  // namespace bertq::kernels
