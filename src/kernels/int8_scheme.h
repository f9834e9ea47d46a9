// The INT8 scheme of bertq, written down once (quantizer, kernels and engine follow it).
//
// Weights (every quantized Linear, stored [N, K] = [out, in]): symmetric int8 per output
// channel. s_w[n] = max_k |W[n, k]| / 127 (1 when the row is all zero),
// Wq[n, k] = clamp(round_half_even(W[n, k] / s_w[n]), -127, 127); -128 is never used. In the
// file: I8 "<name>" + F32 "<name>_scale" [N]. Embedding tables ([V, H] word, [P, H] position)
// use the same rule per row (one scale per token id / position).
//
// Activations (the input x[M, K] of each quantized Linear): asymmetric u8 per token row, in
// [0, qmax]. Dynamic scheme: lo = min(0, min_k x), hi = max(0, max_k x); scale = (hi - lo) / qmax,
// inv = qmax / (hi - lo) (both float; scale 1, inv 1 for an all-zero row), zero =
// clamp(round_half_even(-lo * inv), 0, qmax), xq = clamp(round_half_even(clamp(x * inv, ±65536))
// + zero, 0, qmax). Static scheme: lo/hi come from calibration (one range per Linear input,
// stored as F32 "<weight name>_input_range" = [lo, hi]); the same formulas with that fixed range.
// The intermediate clamp to ±65536 changes no result; it keeps the float->int conversion defined
// for static inputs far outside the calibrated range (the SIMD and scalar paths agree on it).
//
// GEMM: acc[m, n] = Σ_k xq[m, k] · Wq[n, k] in int32 (u8 × s8 -> s32, oneDNN matmul; the
// scalar reference gemm_u8s8s32_ref is the ground truth, tests require exact equality).
// Epilogue (own kernel): y[m, n] = s_x[m] · s_w[n] · (acc[m, n] − zero[m] · colsum[n]) + bias[n]
// (then GELU for the FFN input), colsum[n] = Σ_k Wq[n, k] precomputed at load. |acc| stays below
// K · 255 · 127 (≈ 1e8 for K = 3072): no int32 overflow.
//
// Saturation: without VNNI, oneDNN's AVX2 / AVX-512 int8 GEMM multiplies u8 × s8 pairs with
// vpmaddubsw, whose s16 pair sum saturates (255·127·2 = 64770 > 32767; measured here: a row of
// 255s times 127s gives 1048544 instead of 2072640). bertq therefore keeps the weights full range
// and reduces the *activation* range to qmax = 127 (u7) on such machines: 2·127·127 = 32258 fits,
// so the result is exact. With VNNI (vpdpbusd accumulates in s32 directly) qmax = 255. The engine
// does not trust CPUID for this: Int8Linear::activation_qmax() runs a probe GEMM once and uses
// 255 only if oneDNN returned the exact full-range result. s8 × s8 is not used: oneDNN shifts s8
// sources by +128 on non-VNNI CPUs and saturates in the same way (measured: 8160 instead of
// 1032256).
//
// Rounding: round half to even everywhere (std::nearbyint in the default rounding mode,
// cvtps2dq in SIMD), like numpy's rint and ONNX Runtime.
#pragma once

namespace bertq::kernels {

constexpr int kWeightQMax = 127;      // weights in [-127, 127]
constexpr int kActQMaxFull = 255;     // u8 activations with VNNI (no saturation)
constexpr int kActQMaxReduced = 127;  // u7 activations without VNNI
constexpr float kActClamp = 65536.f;  // x * inv is clamped to ±kActClamp before rounding

}  // namespace bertq::kernels
