// src/kernels/x86_avx512/tier_avx512.cc compiled a second time, over SIMDe's portable AVX-512
// (cmeel-simde in the project's .venv, scripts/test-requirements.txt), as the table
// fill_tier_avx512_simde fills: the AVX-512 tier's logic (lane order of the packs and permutes,
// masks, tails) runs against the scalar references on CPUs without AVX-512, where the real
// tier cannot run. It does not test the compiler's AVX-512 code generation; the real tier is
// tested on AVX-512 CPUs by the same tests (tier_tables.h).
#include "kernels/emulated/simde_avx512.h"

#define fill_tier_avx512 fill_tier_avx512_simde
#include "kernels/x86_avx512/tier_avx512.cc"
