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
// Activation range: a property of the INT8 folder, chosen by `bertq quantize --activation-range`
// and written as quantization_config.activations.qmax (io/quantization_config.h); the engine,
// calibration, fidelity report and ONNX export all read it, so one folder gives one answer on
// every CPU. qmax = 127 (u7, the default) or 255 (u8, one more bit of activation resolution).
//
// Saturation: without VNNI, oneDNN's AVX2 / AVX-512 int8 GEMM multiplies u8 × s8 pairs with
// vpmaddubsw, whose s16 pair sum saturates (255·127·2 = 64770 > 32767; measured here: a row of
// 255s times 127s gives 1048544 instead of 2072640). With qmax = 127, 2·127·127 = 32258 fits:
// one GEMM is exact on every CPU. With qmax = 255, Int8Linear runs one GEMM where a probe GEMM
// shows oneDNN exact for full-range u8 (VNNI: vpdpbusd accumulates in s32), and elsewhere two
// exact u7 GEMMs: xq = lo + 128·hi, lo = xq & 127, hi = xq >> 7, acc = acc_lo + 128·acc_hi
// (about twice the GEMM time; never a different answer). The export writes 255-range weights as
// u8 (Wq + 128, zero point 128) because ONNX Runtime's u8 × s8 saturates the same way and its
// u8 × u8 does not. s8 × s8 is not used: oneDNN shifts s8 sources by +128 on non-VNNI CPUs and
// saturates in the same way (measured: 8160 instead of 1032256). Folders quantized before the
// range was recorded run at the range the CPU probe gives (255 with VNNI, else 127), as then.
//
// Rounding: round half to even everywhere (std::nearbyint in the default rounding mode,
// cvtps2dq in SIMD), like numpy's rint and ONNX Runtime.
#pragma once

namespace bertq::kernels {

constexpr int kWeightQMax = 127;                  // weights in [-127, 127]
constexpr int kActQMaxFull = 255;                 // u8 activations with VNNI (no saturation)
constexpr int kActQMaxReduced = 127;              // u7 activations (one exact GEMM on every CPU)
constexpr int kActQMaxDefault = kActQMaxReduced;  // `bertq quantize`'s default (README: why)
constexpr float kActClamp = 65536.f;  // x * inv is clamped to ±kActClamp before rounding

// The activation ranges a folder may record.
constexpr bool is_activation_qmax(int qmax) {
  return qmax == kActQMaxReduced || qmax == kActQMaxFull;
}

}  // namespace bertq::kernels
