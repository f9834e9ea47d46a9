// The kernel tables the per-tier tests run: every tier this CPU supports (kernels_for) and,
// where the build has it, the AVX-512 tier compiled over SIMDe (emulated/), so the AVX-512
// code is checked against the references on CPUs without AVX-512 too.
//
//   INSTANTIATE_TEST_SUITE_P(AllTiers, MyTest, ::testing::ValuesIn(tiers_under_test()),
//                            tier_param_name);
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/kernel_table.h"

namespace bertq::kernels::testing {

struct TierUnderTest {
  std::string name;  // the ISA's name, or "avx512_simde"
  Isa isa;           // what table->isa must say
  const KernelTable* table;
};

std::vector<TierUnderTest> tiers_under_test();

// The AVX-512 tier over SIMDe, or null where the build has not got it (no SIMDe headers).
const KernelTable* emulated_avx512_table();

inline std::string tier_param_name(const ::testing::TestParamInfo<TierUnderTest>& info) {
  return info.param.name;
}

// gtest prints parameters it cannot format as bytes; this names the tier instead.
inline void PrintTo(const TierUnderTest& t, std::ostream* os) {
  *os << t.name;
}

}  // namespace bertq::kernels::testing
