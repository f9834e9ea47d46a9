// The generic tier: every entry of the kernel table set to its scalar reference (ref_kernels.h,
// int8_ref.h). Compiled with the baseline flags like the rest of bertq, so it runs on any CPU
// the build targets (BERTQ_BASE_ARCH).
#include "kernels/ref/int8_ref.h"
#include "kernels/ref/ref_kernels.h"
#include "kernels/tiers.h"

namespace bertq::kernels {

void fill_tier_generic(KernelTable& t) {
  t.add_bias_residual_layernorm_f32 = add_bias_residual_layernorm_f32_ref;
  t.bias_gelu_f32 = bias_gelu_f32_ref;
  t.add_bias_f32 = add_bias_f32_ref;
  t.bias_tanh_f32 = bias_tanh_f32_ref;
  t.softmax_f32 = softmax_f32_ref;
  t.erf_f32 = erf_f32_ref;
  t.convert_f32_bf16 = convert_f32_bf16_ref;
  t.quantize_rows_u8 = quantize_rows_u8_ref;
  t.quantize_rows_u8_fixed = quantize_rows_u8_fixed_ref;
  t.dequant_bias_f32 = dequant_bias_f32_ref;
}

}  // namespace bertq::kernels
