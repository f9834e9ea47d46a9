// Element types of safetensors tensors and the half-precision conversions.
//
// F16 is IEEE binary16 (1 sign, 5 exponent, 10 mantissa bits); BF16 is the top 16 bits of a
// binary32 (1, 8, 7). Both widen to F32 exactly. Narrowing rounds to nearest, ties to even;
// NaN stays NaN (quiet), values beyond the F16 range become +-inf.
//
//   DType t = bertq::io::parse_dtype("BF16");       // throws INVALID_ARGUMENT if unknown
//   size_t n = numel * bertq::io::dtype_size(t);
//   float x = bertq::io::bf16_to_f32(bits);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bertq::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// Bytes per element.
size_t dtype_size(DType t);
// The safetensors spelling: "F32", "BF16", "I8", "BOOL", ...
std::string_view dtype_name(DType t);
// Inverse of dtype_name; throws Error(INVALID_ARGUMENT) naming the text when unknown.
DType parse_dtype(std::string_view name);
// Same, without throwing.
std::optional<DType> try_parse_dtype(std::string_view name);
// True for F64, F32, F16, BF16.
bool is_float_dtype(DType t);

float f16_to_f32(uint16_t h);
float bf16_to_f32(uint16_t b);
uint16_t f32_to_bf16(float f);  // round to nearest even
uint16_t f32_to_f16(float f);   // round to nearest even

// Converts n elements of a float dtype (F64, F32, F16, BF16) to F32. `src` may be unaligned.
void convert_to_f32(DType t, const void* src, size_t n, float* dst);

}  // namespace bertq::io
