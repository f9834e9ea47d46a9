// SIMDe's AVX-512 with the Intel names (native aliases), plus the few intrinsics the AVX-512
// tier uses that SIMDe 0.8.2 does not have, written here from their documented semantics
// (Intel Intrinsics Guide) on SIMDe's types. Included only by tier_avx512_simde.cc.
#pragma once

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include <cstdint>
#include <cstring>

#define BERTQ_KERNELS_SIMDE 1

namespace bertq::kernels::simde_extra {

// Sum of the 16 floats, added pairwise as the intrinsic's reference sequence does.
inline float reduce_add_ps(simde__m512 a) {
  float v[16];
  std::memcpy(v, &a, sizeof v);
  for (int w = 8; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) v[i] = v[i] + v[i + w];
  return v[0];
}

// The low 16 bits of each of the 16 int32 lanes (truncation, vpmovdw).
inline simde__m256i cvtepi32_epi16(simde__m512i a) {
  int32_t in[16];
  uint16_t out[16];
  std::memcpy(in, &a, sizeof in);
  for (int i = 0; i < 16; ++i) out[i] = uint16_t(uint32_t(in[i]) & 0xffffu);
  simde__m256i r;
  std::memcpy(&r, out, sizeof r);
  return r;
}

}  // namespace bertq::kernels::simde_extra

#ifndef _mm512_reduce_add_ps
#define _mm512_reduce_add_ps(a) ::bertq::kernels::simde_extra::reduce_add_ps(a)
#endif
#ifndef _mm512_cvtepi32_epi16
#define _mm512_cvtepi32_epi16(a) ::bertq::kernels::simde_extra::cvtepi32_epi16(a)
#endif
