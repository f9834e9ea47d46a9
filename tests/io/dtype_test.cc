// F16 / BF16 conversions: exact known values, exhaustive widening round trips, ties to even.
#include <cmath>
#include <cstring>
#include <limits>

#include <gtest/gtest.h>

#include "core/error.h"
#include "io/dtype.h"

namespace bertq::io {
namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

TEST(DType, NamesAndSizes) {
  const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                       DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
  const size_t sizes[] = {8, 4, 2, 2, 8, 4, 2, 1, 1, 1};
  for (size_t i = 0; i < std::size(all); ++i) {
    EXPECT_EQ(dtype_size(all[i]), sizes[i]);
    EXPECT_EQ(parse_dtype(dtype_name(all[i])), all[i]);
  }
  EXPECT_EQ(dtype_name(DType::BF16), "BF16");
  EXPECT_THROW(parse_dtype("f32"), Error);
  EXPECT_FALSE(try_parse_dtype("F8_E4M3").has_value());
}

TEST(DType, F16KnownValues) {
  struct Case {
    uint16_t h;
    float f;
  };
  const Case cases[] = {
      {0x0000, 0.0f},
      {0x3c00, 1.0f},
      {0xc000, -2.0f},
      {0x3555, 0.333251953125f},
      {0x7bff, 65504.0f},
      {0x0400, 6.103515625e-05f},        // min normal
      {0x0001, 5.960464477539063e-08f},  // min subnormal 2^-24
      {0x03ff, 6.097555160522461e-05f},  // max subnormal
      {0x7c00, std::numeric_limits<float>::infinity()},
      {0xfc00, -std::numeric_limits<float>::infinity()},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(f16_to_f32(c.h), c.f) << std::hex << c.h;
    EXPECT_EQ(f32_to_f16(c.f), c.h) << c.f;
  }
  EXPECT_EQ(bits(f16_to_f32(0x8000)), 0x80000000u);  // -0
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7e00)));
  EXPECT_EQ(f32_to_f16(std::nanf("")) & 0x7c00, 0x7c00);
  EXPECT_NE(f32_to_f16(std::nanf("")) & 0x3ff, 0);
}

TEST(DType, F16ExhaustiveRoundTrip) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_f16(f), h) << std::hex << h;
  }
}

TEST(DType, F16RoundsToNearestEven) {
  // 1 + 2^-11 is halfway between 1 (even mantissa) and 1 + 2^-10: goes down.
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: goes up to even.
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  // Just above halfway rounds up.
  EXPECT_EQ(f32_to_f16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01);
  // Overflow: 65519 -> 65504, 65520 (tie, odd max) -> inf.
  EXPECT_EQ(f32_to_f16(65519.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);
  EXPECT_EQ(f32_to_f16(-1e10f), 0xfc00);
  // Subnormal ties: 2^-25 is halfway between 0 and 2^-24 -> 0; 3 * 2^-25 -> 2 * 2^-24.
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(f32_to_f16(3 * std::ldexp(1.0f, -25)), 0x0002);
  EXPECT_EQ(f32_to_f16(-std::ldexp(1.0f, -26)), 0x8000);
  // Largest subnormal + just under half a step rounds to min normal only past the tie.
  EXPECT_EQ(f32_to_f16(std::ldexp(2047.0f, -25)), 0x0400);  // 1023.5 * 2^-24 -> tie -> even 1024
}

TEST(DType, BF16KnownValuesAndRounding) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xc040), -3.0f);
  EXPECT_EQ(bf16_to_f32(0x3eaa), 0.33203125f);
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  // 1/3 = 0x3eaaaaab -> dropped bits 0xaaab > half -> round up to 0x3eab.
  EXPECT_EQ(f32_to_bf16(1.0f / 3.0f), 0x3eab);
  // Ties: 0x3f808000 -> even 0x3f80; 0x3f818000 -> even 0x3f82.
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f808000)), 0x3f80);
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f818000)), 0x3f82);
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f808001)), 0x3f81);
  // Max float rounds to inf; NaN stays NaN.
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(std::nanf("")))));
  for (uint32_t b = 0; b < 65536; ++b) {
    const float f = bf16_to_f32(static_cast<uint16_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_bf16(f), b);
  }
}

TEST(DType, ConvertToF32) {
  const uint16_t h[3] = {0x3c00, 0xc000, 0x3555};
  float out[3];
  convert_to_f32(DType::F16, h, 3, out);
  EXPECT_EQ(out[2], 0.333251953125f);
  const double d[2] = {0.1, -1e40};
  convert_to_f32(DType::F64, d, 2, out);
  EXPECT_EQ(out[0], 0.1f);
  EXPECT_TRUE(std::isinf(out[1]));
  EXPECT_THROW(convert_to_f32(DType::I8, h, 1, out), Error);
}

}  // namespace
}  // namespace bertq::io
