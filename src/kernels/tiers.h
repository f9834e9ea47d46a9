// The per-ISA tiers of the kernel table. Each tier is one translation unit compiled with that
// tier's flags (ref/tier_generic.cc with the baseline flags, x86_avx2/tier_avx2.cc with -mavx2
// -mfma, x86_avx512/tier_avx512.cc with -mavx512*), whose fill function sets the entries it
// implements. dispatch.cc starts each tier from a copy of the tier below, so an entry a tier
// leaves alone keeps the lower tier's kernel; the generic tier sets every entry. A tier's fill
// function may use its ISA itself, so dispatch.cc calls it only when the CPU supports the tier.
//
// Adding a kernel: its pointer in kernel_table.h, its scalar reference in ref/ (set in
// tier_generic.cc), and its SIMD version: a body in x86_common/kernel_bodies.h set by
// fill_bodies (int8_bodies.h and fill_int8_bodies for the INT8 elementwise kernels; every SIMD
// tier then has it), or a hand-written one in a tier file.
#pragma once

#include "kernels/kernel_table.h"

namespace bertq::kernels {

void fill_tier_generic(KernelTable& t);
void fill_tier_avx2(KernelTable& t);
void fill_tier_avx512(KernelTable& t);

}  // namespace bertq::kernels
