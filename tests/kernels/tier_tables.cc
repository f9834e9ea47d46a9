#include "tier_tables.h"

#include "kernels/dispatch.h"
#include "kernels/tiers.h"

namespace bertq::kernels {
#ifdef BERTQ_TEST_SIMDE
void fill_tier_avx512_simde(KernelTable& t);  // emulated/tier_avx512_simde.cc
#endif
}  // namespace bertq::kernels

namespace bertq::kernels::testing {

const KernelTable* emulated_avx512_table() {
#ifdef BERTQ_TEST_SIMDE
  // Starts from the generic tier (not AVX2's): an entry the AVX-512 tier leaves alone is then
  // the reference, and the table runs on any CPU.
  static const KernelTable table = [] {
    KernelTable t;
    fill_tier_generic(t);
    fill_tier_avx512_simde(t);
    t.isa = Isa::AVX512;
    return t;
  }();
  return &table;
#else
  return nullptr;
#endif
}

std::vector<TierUnderTest> tiers_under_test() {
  std::vector<TierUnderTest> out;
  for (Isa isa : supported_isas())
    out.push_back({std::string(isa_name(isa)), isa, &kernels_for(isa)});
  if (const KernelTable* t = emulated_avx512_table())
    out.push_back({"avx512_simde", Isa::AVX512, t});
  return out;
}

namespace {

TEST(EmulatedAvx512, TierIsBuiltAndIsTheAvx512Code) {
  const KernelTable* t = emulated_avx512_table();
  if (!t) {
    GTEST_SKIP() << "the AVX-512 tier over SIMDe is not built: no simde/x86/avx512.h in the "
                    "project's .venv (scripts/setup.sh installs cmeel-simde there; rerun cmake)";
  }
  KernelTable generic;
  fill_tier_generic(generic);
  // Every entry the AVX-512 tier sets is its own code, not the reference it started from.
  EXPECT_NE(t->quantize_rows_u8, generic.quantize_rows_u8);
  EXPECT_NE(t->quantize_rows_u8_fixed, generic.quantize_rows_u8_fixed);
  EXPECT_NE(t->dequant_bias_f32, generic.dequant_bias_f32);
  EXPECT_NE(t->softmax_f32, generic.softmax_f32);
  EXPECT_NE(t->convert_f32_bf16, generic.convert_f32_bf16);
}

}  // namespace
}  // namespace bertq::kernels::testing
