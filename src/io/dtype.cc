// DType table and the F16 / BF16 <-> F32 bit conversions (see dtype.h for the formats).
#include "io/dtype.h"

#include <cmath>
#include <cstring>
#include <string>

#include "core/error.h"

namespace bertq::io {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
};

const DTypeInfo& info(DType t) {
  for (const auto& d : kDTypes)
    if (d.type == t) return d;
  throw Error(ErrorCode::INTERNAL, cat("unknown DType value ", static_cast<int>(t)));
}

uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace

size_t dtype_size(DType t) {
  return info(t).size;
}
std::string_view dtype_name(DType t) {
  return info(t).name;
}

std::optional<DType> try_parse_dtype(std::string_view name) {
  for (const auto& d : kDTypes)
    if (d.name == name) return d.type;
  return std::nullopt;
}

DType parse_dtype(std::string_view name) {
  if (auto t = try_parse_dtype(name)) return *t;
  throw Error(
      ErrorCode::INVALID_ARGUMENT,
      cat("unknown dtype \"", name, "\" (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
}

bool is_float_dtype(DType t) {
  return t == DType::F64 || t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  if (exp == 0) {  // zero or subnormal: mant * 2^-24, exact in F32
    const float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  if (exp == 31) return bits_f32(sign | 0x7f800000 | (mant << 13));  // inf / NaN (payload kept)
  return bits_f32(sign | ((exp + 112) << 23) | (mant << 13));        // rebias 15 -> 127
}

float bf16_to_f32(uint16_t b) {
  return bits_f32(static_cast<uint32_t>(b) << 16);
}

uint16_t f32_to_bf16(float f) {
  const uint32_t x = f32_bits(f);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);  // quiet NaN
  // Round to nearest even on the 16 dropped bits: add 0x7fff plus the lowest kept bit.
  return static_cast<uint16_t>((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

uint16_t f32_to_f16(float f) {
  uint32_t x = f32_bits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  x &= 0x7fffffff;
  if (x >= 0x7f800000) {  // inf / NaN
    return static_cast<uint16_t>(sign | 0x7c00 |
                                 (x > 0x7f800000 ? 0x200 | ((x >> 13) & 0x3ff) : 0));
  }
  // 65520 = halfway between the largest F16 (65504) and 65536; ties go to even = infinity.
  if (x >= 0x477ff000) return static_cast<uint16_t>(sign | 0x7c00);
  if (x < 0x38800000) {  // below 2^-14: F16 subnormal (or zero). |f| * 2^24 is exact.
    const float scaled = std::ldexp(bits_f32(x), 24);
    // nearbyint rounds half to even in the default rounding mode; 1024 encodes 2^-14 correctly.
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(scaled)));
  }
  uint32_t h = ((((x >> 23) - 112) << 10) | ((x & 0x7fffff) >> 13));
  const uint32_t rest = x & 0x1fff;                       // the 13 dropped mantissa bits
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;  // a carry into the exponent is right
  return static_cast<uint16_t>(sign | h);
}

void convert_to_f32(DType t, const void* src, size_t n, float* dst) {
  const auto* p = static_cast<const uint8_t*>(src);
  switch (t) {
    case DType::F32:
      std::memcpy(dst, p, n * 4);
      return;
    case DType::F64:
      for (size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, p + 8 * i, 8);
        dst[i] = static_cast<float>(d);
      }
      return;
    case DType::F16:
    case DType::BF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t b;
        std::memcpy(&b, p + 2 * i, 2);
        dst[i] = t == DType::F16 ? f16_to_f32(b) : bf16_to_f32(b);
      }
      return;
    default:
      throw Error(ErrorCode::INTERNAL,
                  cat("convert_to_f32: ", dtype_name(t), " is not a floating-point dtype"));
  }
}

}  // namespace bertq::io
