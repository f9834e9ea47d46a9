// The fused elementwise kernels written once over a SIMD traits type V (x86_avx2/vec_avx2.h,
// x86_avx512/vec_avx512.h) and instantiated in each ISA's translation unit, whose fill function
// puts them into the kernel table through fill_bodies<V> (their signatures are the table's).
// Everything here is in an anonymous namespace and uses no std:: templates, so no function compiled
// with one ISA's flags can be picked by the linker for another tier.
//
// Traits V provides: type R, kWidth, load/store (unaligned), set1, add, sub, mul, div, fmadd
// (a*b+c), max, min, abs, copysign(mag, sign), round_to_int (nearest) -> I, pow2(I) = 2^i as
// float, reduce_add, reduce_max.
//
// Math (accuracy measured in tests/kernels/):
// - exp(x): x = n ln2 + r, |r| <= ln2/2, degree-7 Taylor polynomial of e^r times 2^n; inputs
//   clamped to [-87.3, 88.3] (exp(-87.3) ~ 1.2e-38 stands in for 0). Max rel error ~2e-7.
// - erf(x): odd rational approximation x P(x^2) / Q(x^2) (P degree 6, Q degree 4 in x^2) on
//   x clamped to [-4, 4] (|1 - erf(4)| < 2e-8). Max abs error vs std::erf 3.3e-7 (measured
//   over [-6, 6], largest near |x| = 3.9; test bound 5e-7).
// - tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|). Max abs error ~ 2e-7.
// Tails shorter than a vector are copied into a stack buffer and processed as a full vector.
#pragma once

#include <cstddef>
#include <cstring>

#include "kernels/kernel_table.h"

namespace bertq::kernels {
namespace {

template <class V>
struct Bodies {
  using R = typename V::R;
  static constexpr int W = V::kWidth;

  static R exp(R x) {
    x = V::min(V::max(x, V::set1(-87.3f)), V::set1(88.3f));
    const auto n = V::round_to_int(V::mul(x, V::set1(1.44269504088896341f)));
    const R nf = V::to_float(n);
    // Cody-Waite: ln2 split into a high part exact in float and a small correction.
    R r = V::fmadd(nf, V::set1(-0.693359375f), x);
    r = V::fmadd(nf, V::set1(2.12194440e-4f), r);
    R p = V::set1(1.f / 5040.f);
    p = V::fmadd(p, r, V::set1(1.f / 720.f));
    p = V::fmadd(p, r, V::set1(1.f / 120.f));
    p = V::fmadd(p, r, V::set1(1.f / 24.f));
    p = V::fmadd(p, r, V::set1(1.f / 6.f));
    p = V::fmadd(p, r, V::set1(0.5f));
    p = V::fmadd(p, r, V::set1(1.f));
    p = V::fmadd(p, r, V::set1(1.f));
    return V::mul(p, V::pow2(n));
  }

  static R erf(R x) {
    x = V::min(V::max(x, V::set1(-4.f)), V::set1(4.f));
    const R x2 = V::mul(x, x);
    R p = V::set1(-2.72614225801306e-10f);
    p = V::fmadd(p, x2, V::set1(2.77068142495902e-08f));
    p = V::fmadd(p, x2, V::set1(-2.10102402082508e-06f));
    p = V::fmadd(p, x2, V::set1(-5.69250639462346e-05f));
    p = V::fmadd(p, x2, V::set1(-7.34990630326855e-04f));
    p = V::fmadd(p, x2, V::set1(-2.95459980854025e-03f));
    p = V::fmadd(p, x2, V::set1(-1.60960333262415e-02f));
    R q = V::set1(-1.45660718464996e-05f);
    q = V::fmadd(q, x2, V::set1(-2.13374055278905e-04f));
    q = V::fmadd(q, x2, V::set1(-1.68282697438203e-03f));
    q = V::fmadd(q, x2, V::set1(-7.37332916720468e-03f));
    q = V::fmadd(q, x2, V::set1(-1.42647390514189e-02f));
    return V::div(V::mul(x, p), q);
  }

  static R gelu(R t) {
    const R e = erf(V::mul(t, V::set1(0.70710678118654752f)));
    return V::mul(V::mul(V::set1(0.5f), t), V::add(V::set1(1.f), e));
  }

  static R tanh(R x) {
    const R e = exp(V::mul(V::abs(x), V::set1(-2.f)));
    const R t = V::div(V::sub(V::set1(1.f), e), V::add(V::set1(1.f), e));
    return V::copysign(t, x);
  }

  // Loads n < W floats into a full vector padded with `fill`.
  static R load_tail(const float* p, size_t n, float fill, float* buf) {
    for (int i = 0; i < W; ++i) buf[i] = fill;
    std::memcpy(buf, p, n * sizeof(float));
    return V::load(buf);
  }
  static void store_tail(float* p, R v, size_t n, float* buf) {
    V::store(buf, v);
    std::memcpy(p, buf, n * sizeof(float));
  }

  // Applies y = f(x + bias) in place over a row.
  template <class F>
  static void map_bias_row(float* x, const float* bias, size_t n, F f) {
    alignas(64) float bx[W], bb[W];
    size_t c = 0;
    for (; c + W <= n; c += W) {
      R v = V::load(x + c);
      if (bias) v = V::add(v, V::load(bias + c));
      V::store(x + c, f(v));
    }
    if (c < n) {
      R v = load_tail(x + c, n - c, 0.f, bx);
      if (bias) v = V::add(v, load_tail(bias + c, n - c, 0.f, bb));
      store_tail(x + c, f(v), n - c, bx);
    }
  }

  static void bias_gelu(float* x, const float* bias, size_t rows, size_t n) noexcept {
    for (size_t r = 0; r < rows; ++r) map_bias_row(x + r * n, bias, n, [](R v) { return gelu(v); });
  }
  static void bias_tanh(float* x, const float* bias, size_t rows, size_t n) noexcept {
    for (size_t r = 0; r < rows; ++r) map_bias_row(x + r * n, bias, n, [](R v) { return tanh(v); });
  }
  static void add_bias(float* x, const float* bias, size_t rows, size_t n) noexcept {
    for (size_t r = 0; r < rows; ++r) map_bias_row(x + r * n, bias, n, [](R v) { return v; });
  }

  static void erf_array(const float* x, float* y, size_t n) noexcept {
    alignas(64) float buf[W];
    size_t i = 0;
    for (; i + W <= n; i += W) V::store(y + i, erf(V::load(x + i)));
    if (i < n) store_tail(y + i, erf(load_tail(x + i, n - i, 0.f, buf)), n - i, buf);
  }

  static void layernorm(const float* x, const float* bias, const float* residual,
                        const float* gamma, const float* beta, float eps, float* y, size_t rows,
                        size_t n) noexcept {
    alignas(64) float b0[W], b1[W], b2[W];
    const size_t nv = n - n % W, tail = n - nv;
    for (size_t r = 0; r < rows; ++r) {
      const float* xr = x + r * n;
      const float* rr = residual ? residual + r * n : nullptr;
      float* yr = y + r * n;
      // Pass 1: t = x + bias + residual, stored in y; sum for the mean.
      R acc = V::set1(0.f);
      for (size_t c = 0; c < nv; c += W) {
        R t = V::load(xr + c);
        if (bias) t = V::add(t, V::load(bias + c));
        if (rr) t = V::add(t, V::load(rr + c));
        V::store(yr + c, t);
        acc = V::add(acc, t);
      }
      float sum = V::reduce_add(acc);
      for (size_t c = nv; c < n; ++c) {
        const float t = xr[c] + (bias ? bias[c] : 0.f) + (rr ? rr[c] : 0.f);
        yr[c] = t;
        sum += t;
      }
      const float mean = sum / float(n);
      // Pass 2: biased variance around the mean (two-pass for accuracy).
      const R vm = V::set1(mean);
      acc = V::set1(0.f);
      for (size_t c = 0; c < nv; c += W) {
        const R d = V::sub(V::load(yr + c), vm);
        acc = V::fmadd(d, d, acc);
      }
      float var = V::reduce_add(acc);
      for (size_t c = nv; c < n; ++c) var += (yr[c] - mean) * (yr[c] - mean);
      var /= float(n);
      // PyTorch: (t - mean) / sqrt(var + eps).
      const float inv = 1.f / __builtin_sqrtf(var + eps);
      const R vi = V::set1(inv);
      for (size_t c = 0; c < nv; c += W) {
        const R d = V::mul(V::sub(V::load(yr + c), vm), vi);
        V::store(yr + c, V::fmadd(d, V::load(gamma + c), V::load(beta + c)));
      }
      if (tail) {
        const R d = V::mul(V::sub(load_tail(yr + nv, tail, 0.f, b0), vm), vi);
        const R o =
            V::fmadd(d, load_tail(gamma + nv, tail, 0.f, b1), load_tail(beta + nv, tail, 0.f, b2));
        store_tail(yr + nv, o, tail, b0);
      }
    }
  }

  static void softmax(float* x, size_t rows, size_t n, size_t ld, float scale) noexcept {
    alignas(64) float buf[W];
    const size_t nv = n - n % W, tail = n - nv;
    const R vs = V::set1(scale);
    for (size_t r = 0; r < rows; ++r) {
      float* xr = x + r * ld;
      R vmax = V::set1(-3.0e38f);
      for (size_t c = 0; c < nv; c += W) vmax = V::max(vmax, V::mul(V::load(xr + c), vs));
      float mx = V::reduce_max(vmax);
      for (size_t c = nv; c < n; ++c) mx = mx > scale * xr[c] ? mx : scale * xr[c];
      const R vm = V::set1(mx);
      R acc = V::set1(0.f);
      for (size_t c = 0; c < nv; c += W) {
        const R e = exp(V::fmadd(V::load(xr + c), vs, V::sub(V::set1(0.f), vm)));
        V::store(xr + c, e);
        acc = V::add(acc, e);
      }
      float sum = V::reduce_add(acc);
      if (tail) {
        const R e = exp(V::fmadd(load_tail(xr + nv, tail, 0.f, buf), vs, V::sub(V::set1(0.f), vm)));
        store_tail(xr + nv, e, tail, buf);
        for (size_t c = 0; c < tail; ++c) sum += buf[c];
      }
      const R vi = V::set1(1.f / sum);
      for (size_t c = 0; c < nv; c += W) V::store(xr + c, V::mul(V::load(xr + c), vi));
      for (size_t c = nv; c < n; ++c) xr[c] *= 1.f / sum;
    }
  }
};

// Sets the table entries Bodies<V> implements; each SIMD tier's fill function calls it, so a
// kernel written here is one line below and every SIMD tier has it.
template <class V>
void fill_bodies(KernelTable& t) {
  using B = Bodies<V>;
  t.add_bias_residual_layernorm_f32 = B::layernorm;
  t.bias_gelu_f32 = B::bias_gelu;
  t.add_bias_f32 = B::add_bias;
  t.bias_tanh_f32 = B::bias_tanh;
  t.softmax_f32 = B::softmax;
  t.erf_f32 = B::erf_array;
}

}  // namespace
}  // namespace bertq::kernels
