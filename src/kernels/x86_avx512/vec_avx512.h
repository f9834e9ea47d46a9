// SIMD traits for AVX-512 F/BW/DQ/VL (16 floats per register), the interface kernel_bodies.h
// is written against. Included only by x86_avx512/tier_avx512.cc (compiled with -mavx512*);
// the #error below stops a file compiled with the baseline flags from including it.
#pragma once

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || \
    !defined(__AVX512VL__)
#error "vec_avx512.h needs -mavx512f/bw/dq/vl: include it only from x86_avx512/tier_avx512.cc"
#endif

#include <immintrin.h>

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
};

}  // namespace
}  // namespace bertq::kernels
