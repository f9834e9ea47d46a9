// oneDNN u8 x s8 -> s32 matmul for the quantized Linear layers (scheme in kernels/int8_scheme.h):
// acc[M, N] = xq[M, K] · Wq[N, K]^T, weights prepacked once at construction into the layout the
// primitive prefers, runtime M (one primitive serves every batch), per-thread streams (shareable
// across threads like PackedLinear). It also keeps what the epilogue needs: the per-channel
// weight scales, colsum[n] = Σ_k Wq[n, k] (for the activation zero point) and the bias.
//
// The activation range qmax (127 or 255) is the model folder's (io/quantization_config.h); the
// GEMM is exact for either on every CPU: 255 where oneDNN's u8 x s8 would saturate (no VNNI) runs
// as two exact u7 GEMMs, xq = lo + 128 hi (see int8_scheme.h).
//
//   Int8Linear fc(wq, w_scale, bias, /*n=*/768, /*k=*/768);
//   k.quantize_rows_u8(x, m, 768, qmax, xq, s, z);
//   fc.forward(xq, m, acc, qmax);
//   k.dequant_bias_f32(acc, s, z, fc.col_scale(), fc.col_sum(), fc.bias(), false, y, m, 768);
#pragma once

#include <cstdint>
#include <memory>

namespace bertq::kernels {

class Int8Linear {
 public:
  // wq [n, k] int8 in [-127, 127], w_scale [n], bias [n] or null (all copied).
  Int8Linear(const int8_t* wq, const float* w_scale, const float* bias, int64_t n, int64_t k);
  ~Int8Linear();
  Int8Linear(Int8Linear&&) noexcept;
  Int8Linear& operator=(Int8Linear&&) noexcept;

  // xq [m, k] u8 with values <= qmax (127 or 255), acc [m, n] int32, exactly Σ xq · Wq on
  // every CPU. m may be 0.
  void forward(const uint8_t* xq, int64_t m, int32_t* acc, int qmax) const;

  int64_t n() const;
  int64_t k() const;
  const float* col_scale() const;  // [n]
  const int32_t* col_sum() const;  // [n]
  const float* bias() const;       // [n] or null

  // Whether a full-range probe (u8 255 x s8 127) comes back exact from one oneDNN GEMM on this
  // CPU (VNNI). Probed once.
  static bool full_range_exact();
  // Whether qmax 255 runs as one GEMM here: full_range_exact(), unless the test-only
  // environment variable BERTQ_INT8_FORCE_SPLIT=1 asks for the two-GEMM path anyway.
  static bool single_gemm_full_range();
  // The range folders quantized before it was recorded run at: 255 when full_range_exact(),
  // else 127 (what the engine chose from the CPU then; io::activation_qmax's `legacy`).
  static int legacy_activation_qmax();

 private:
  void gemm(const uint8_t* xq, int64_t m, int32_t* acc) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bertq::kernels
