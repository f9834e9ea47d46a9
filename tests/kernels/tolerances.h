// The kernel tests' tolerances, in one table (per op, f32 unless stated). A SIMD kernel is
// compared with the scalar reference (double accumulation, libm) on every ISA this machine
// supports; |got - want| <= atol + rtol * |want| element by element.
#pragma once

namespace bertq::kernels::testing {

struct Tolerance {
  double rtol, atol;
};

// LayerNorm output is O(1) (normalised, then gamma/beta): float sums over up to 3072 values.
constexpr Tolerance kLayerNormTol{1e-5, 2e-5};
// GELU with our rational erf (max abs erf error kErfMaxAbsErr, times |t|/2) plus float rounding.
constexpr Tolerance kGeluTol{2e-6, 2e-6};
// Softmax: exp polynomial ~2e-7 relative, float sums over up to 3072 values.
constexpr Tolerance kSoftmaxTol{1e-5, 1e-8};
// tanh through exp: cancellation in (1 - e) near 0 gives absolute error.
constexpr Tolerance kTanhTol{1e-6, 5e-7};
// add_bias is exact.
constexpr Tolerance kExactTol{0, 0};
// Max |erf_f32(x) - std::erf(x)| over a dense sweep of [-6, 6] (stated in kernel_bodies.h).
constexpr double kErfMaxAbsErr = 5e-7;
// PackedLinear f32 vs a double-accumulated naive matmul, relative to sqrt(K) * |x| |w| scale.
constexpr Tolerance kLinearF32Tol{1e-5, 1e-5};
// BF16 activations and weights (8-bit mantissa), f32 accumulation.
constexpr Tolerance kLinearBf16Tol{2e-2, 2e-2};

}  // namespace bertq::kernels::testing
