// Kernel dispatch: one KernelTable per ISA tier, filled once; active_kernels() follows
// bertq::active_isa() (CPUID + XGETBV, lowered by BERTQ_FORCE_ISA=generic|avx2|avx512|...).
// Tiers the build has no kernels for fall back to the next lower one (avx512_vnni and
// avx512_bf16 use the avx512 kernels: VNNI and BF16 matter only inside oneDNN's GEMMs).
//
//   const bertq::kernels::KernelTable& k = bertq::kernels::active_kernels();
//   for (Isa isa : bertq::supported_isas()) test(bertq::kernels::kernels_for(isa));
#pragma once

#include "core/cpu_features.h"
#include "kernels/kernel_table.h"

namespace bertq::kernels {

// The table for `isa`. Throws UNSUPPORTED when this CPU cannot run that tier.
const KernelTable& kernels_for(Isa isa);

// The table for active_isa(), decided once.
const KernelTable& active_kernels();

}  // namespace bertq::kernels
