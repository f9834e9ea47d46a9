#include "core/cpu_features.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace bertq {
namespace {

TEST(CpuFeatures, TiersAreConsistent) {
  const CpuFeatures& f = cpu_features();
  const Isa best = best_isa();
  if (best >= Isa::AVX2) {
    EXPECT_TRUE(f.avx2 && f.fma && f.os_avx);
  }
  if (best >= Isa::AVX512) {
    EXPECT_TRUE(f.avx512f && f.avx512bw && f.os_avx512);
  }
  if (best >= Isa::AVX512_VNNI) {
    EXPECT_TRUE(f.avx512_vnni);
  }
  auto all = supported_isas();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front(), Isa::GENERIC);
  EXPECT_EQ(all.back(), best);
  EXPECT_LE(static_cast<int>(active_isa()), static_cast<int>(best));
}

TEST(CpuFeatures, ParseRoundTrips) {
  for (Isa i : {Isa::GENERIC, Isa::AVX2, Isa::AVX512, Isa::AVX512_VNNI}) {
    EXPECT_EQ(parse_isa(isa_name(i)), i);
  }
  EXPECT_THROW(parse_isa("sse9"), Error);
}

}  // namespace
}  // namespace bertq
