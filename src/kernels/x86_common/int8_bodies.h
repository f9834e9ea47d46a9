// The INT8 elementwise kernels (activation quantization, fixed-range quantization, the
// dequantize + bias (+ GELU) epilogue), written once over a SIMD traits type V like
// kernel_bodies.h and instantiated in each SIMD tier's translation unit through
// fill_int8_bodies<V> (AVX2: 8 floats per step, AVX-512: 16). Everything is in an anonymous
// namespace and uses no std:: templates (tier_symbols.sh).
//
// Beyond kernel_bodies.h's traits, V provides: load_i / set1_i / sub_i / add_i / mullo_i on
// int32 vectors I, reduce_min, and store_u8(q, a, b, c, d, vmax): the 4W int32 lanes of a..d,
// in order, saturated to [0, 255], then min with vmax (= set1_u8(qmax)), stored as 4W bytes.
//
// Quantization reproduces the scalar reference (ref/int8_ref.cc) bit for bit: float min/max
// over the row (order does not change a min), the reference's activation_params_ref, one float
// multiply by inv, clamp to ±kActClamp, cvtps2dq (round half to even), + zero, saturation.
// The epilogue is float math (one FMA per element), compared to the double reference with a
// tolerance. Row tails go through the references.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/int8_scheme.h"
#include "kernels/kernel_table.h"
#include "kernels/ref/int8_ref.h"
#include "kernels/x86_common/kernel_bodies.h"

namespace bertq::kernels {
namespace {

template <class V>
struct Int8Bodies {
  using R = typename V::R;
  using I = typename V::I;
  static constexpr size_t W = size_t(V::kWidth);

  static I quantize_vec(const float* x, R inv, I zero) {
    R t = V::mul(V::load(x), inv);
    t = V::min(V::max(t, V::set1(-kActClamp)), V::set1(kActClamp));
    return V::add_i(V::round_to_int(t), zero);
  }

  // q[0:k] from x[0:k] with a fixed (inv, zero).
  static void quantize_row(const float* x, size_t k, float inv, int32_t zero, int qmax,
                           uint8_t* q) {
    const R vinv = V::set1(inv);
    const I vz = V::set1_i(zero);
    const auto vmax = V::set1_u8(uint8_t(qmax));
    size_t c = 0;
    for (; c + 4 * W <= k; c += 4 * W) {
      V::store_u8(q + c, quantize_vec(x + c, vinv, vz), quantize_vec(x + c + W, vinv, vz),
                  quantize_vec(x + c + 2 * W, vinv, vz), quantize_vec(x + c + 3 * W, vinv, vz),
                  vmax);
    }
    if (c < k) quantize_rows_u8_fixed_ref(x + c, 1, k - c, inv, zero, qmax, q + c);
  }

  static void quantize_rows_fixed(const float* x, size_t rows, size_t k, float inv, int32_t zero,
                                  int qmax, uint8_t* q) noexcept {
    for (size_t r = 0; r < rows; ++r) quantize_row(x + r * k, k, inv, zero, qmax, q + r * k);
  }

  static void quantize_rows(const float* x, size_t rows, size_t k, int qmax, uint8_t* q,
                            float* scale, int32_t* zero) noexcept {
    for (size_t r = 0; r < rows; ++r) {
      const float* xr = x + r * k;
      R vlo = V::set1(0.f), vhi = V::set1(0.f);
      size_t c = 0;
      for (; c + W <= k; c += W) {
        const R v = V::load(xr + c);
        vlo = V::min(vlo, v);
        vhi = V::max(vhi, v);
      }
      float lo = V::reduce_min(vlo), hi = V::reduce_max(vhi);
      for (; c < k; ++c) {
        lo = xr[c] < lo ? xr[c] : lo;
        hi = xr[c] > hi ? xr[c] : hi;
      }
      float inv;
      activation_params_ref(lo, hi, qmax, &scale[r], &inv, &zero[r]);
      quantize_row(xr, k, inv, zero[r], qmax, q + r * k);
    }
  }

  static void dequant_bias(const int32_t* acc, const float* row_scale, const int32_t* row_zero,
                           const float* col_scale, const int32_t* col_sum, const float* bias,
                           bool gelu, float* y, size_t rows, size_t n) noexcept {
    for (size_t r = 0; r < rows; ++r) {
      const int32_t* a = acc + r * n;
      float* yr = y + r * n;
      const R vs = V::set1(row_scale[r]);
      const I vz = V::set1_i(row_zero[r]);
      size_t c = 0;
      for (; c + W <= n; c += W) {
        const I v = V::sub_i(V::load_i(a + c), V::mullo_i(vz, V::load_i(col_sum + c)));
        const R s = V::mul(vs, V::load(col_scale + c));
        const R b = bias ? V::load(bias + c) : V::set1(0.f);
        V::store(yr + c, V::fmadd(V::to_float(v), s, b));
      }
      for (; c < n; ++c) {
        const int32_t v = a[c] - row_zero[r] * col_sum[c];
        yr[c] = float(v) * (row_scale[r] * col_scale[c]) + (bias ? bias[c] : 0.f);
      }
      if (gelu) Bodies<V>::bias_gelu(yr, nullptr, 1, n);
    }
  }
};

// Sets the INT8 entries of the table; each SIMD tier's fill function calls it.
template <class V>
void fill_int8_bodies(KernelTable& t) {
  using B = Int8Bodies<V>;
  t.quantize_rows_u8 = B::quantize_rows;
  t.quantize_rows_u8_fixed = B::quantize_rows_fixed;
  t.dequant_bias_f32 = B::dequant_bias;
}

}  // namespace
}  // namespace bertq::kernels
