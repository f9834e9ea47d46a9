// Fills one KernelTable per ISA tier, once, and hands out the one for the active tier.
// avx512_vnni has no elementwise kernels of its own yet: it reuses the avx512 ones.
#include "kernels/dispatch.h"

#include "core/error.h"
#include "core/log.h"
#include "kernels/ref/int8_ref.h"
#include "kernels/ref/ref_kernels.h"
#include "kernels/x86_avx2/int8_avx2.h"
#include "kernels/x86_avx2/kernels_avx2.h"
#include "kernels/x86_avx512/kernels_avx512.h"

namespace bertq::kernels {
namespace {

#define BERTQ_FILL_TABLE(t, sfx)                                             \
  t.add_bias_residual_layernorm_f32 = add_bias_residual_layernorm_f32_##sfx; \
  t.bias_gelu_f32 = bias_gelu_f32_##sfx;                                     \
  t.add_bias_f32 = add_bias_f32_##sfx;                                       \
  t.bias_tanh_f32 = bias_tanh_f32_##sfx;                                     \
  t.softmax_f32 = softmax_f32_##sfx;                                         \
  t.erf_f32 = erf_f32_##sfx;                                                 \
  t.convert_f32_bf16 = convert_f32_bf16_##sfx

// INT8 elementwise kernels: the AVX-512 tiers use the AVX2 ones (the int8 GEMM is oneDNN's,
// which selects VNNI itself).
#define BERTQ_FILL_INT8(t, sfx)                          \
  t.quantize_rows_u8 = quantize_rows_u8_##sfx;             \
  t.quantize_rows_u8_fixed = quantize_rows_u8_fixed_##sfx; \
  t.dequant_bias_f32 = dequant_bias_f32_##sfx

struct Tables {
  KernelTable generic, avx2, avx512, avx512_vnni;
  Tables() {
    generic.isa = Isa::GENERIC;
    BERTQ_FILL_TABLE(generic, ref);
    BERTQ_FILL_INT8(generic, ref);
    avx2.isa = Isa::AVX2;
    BERTQ_FILL_TABLE(avx2, avx2);
    BERTQ_FILL_INT8(avx2, avx2);
    avx512.isa = Isa::AVX512;
    BERTQ_FILL_TABLE(avx512, avx512);
    BERTQ_FILL_INT8(avx512, avx2);
    avx512_vnni = avx512;
    avx512_vnni.isa = Isa::AVX512_VNNI;
  }
};

#undef BERTQ_FILL_TABLE
#undef BERTQ_FILL_INT8

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const KernelTable& kernels_for(Isa isa) {
  check(
      static_cast<int>(isa) <= static_cast<int>(best_isa()), ErrorCode::UNSUPPORTED,
      cat("kernels for ISA ", isa_name(isa), ": this CPU supports at most ", isa_name(best_isa())));
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
