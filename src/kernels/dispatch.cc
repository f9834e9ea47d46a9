// Fills one KernelTable per ISA tier this CPU supports, once, and hands out the one for the
// active tier. Each tier starts from the tier below (tiers.h) and sets what it implements;
// avx512_vnni has no elementwise kernels of its own yet: it is the avx512 table.
#include "kernels/dispatch.h"

#include "core/error.h"
#include "core/log.h"
#include "kernels/tiers.h"

namespace bertq::kernels {
namespace {

// Tables above best_isa() stay empty: their fill functions may use instructions this CPU lacks.
struct Tables {
  KernelTable generic, avx2, avx512, avx512_vnni;
  Tables() {
    const Isa best = best_isa();
    fill_tier_generic(generic);
    generic.isa = Isa::GENERIC;
    if (best < Isa::AVX2) return;
    avx2 = generic;
    fill_tier_avx2(avx2);
    avx2.isa = Isa::AVX2;
    if (best < Isa::AVX512) return;
    avx512 = avx2;
    fill_tier_avx512(avx512);
    avx512.isa = Isa::AVX512;
    if (best < Isa::AVX512_VNNI) return;
    avx512_vnni = avx512;
    avx512_vnni.isa = Isa::AVX512_VNNI;
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const KernelTable& kernels_for(Isa isa) {
  check(static_cast<int>(isa) <= static_cast<int>(best_isa()), ErrorCode::UNSUPPORTED,
        "kernels for ISA ", isa_name(isa), ": this CPU supports at most ", isa_name(best_isa()));
  switch (isa) {
    case Isa::GENERIC:
      return tables().generic;
    case Isa::AVX2:
      return tables().avx2;
    case Isa::AVX512:
      return tables().avx512;
    case Isa::AVX512_VNNI:
      return tables().avx512_vnni;
  }
  throw Error(ErrorCode::INTERNAL, "kernels_for: unknown ISA");
}

const KernelTable& active_kernels() {
  static const KernelTable& t = []() -> const KernelTable& {
    const KernelTable& k = kernels_for(active_isa());
    log_debug(cat("kernels: using the ", isa_name(k.isa), " tier"));
    return k;
  }();
  return t;
}

}  // namespace bertq::kernels
