// oneDNN u8 x s8 -> s32 matmul for the quantized Linear layers (scheme in kernels/int8_scheme.h):
// acc[M, N] = xq[M, K] · Wq[N, K]^T, weights prepacked once at construction into the layout the
// primitive prefers, runtime M (one primitive serves every batch), per-thread streams (shareable
// across threads like PackedLinear). It also keeps what the epilogue needs: the per-channel
// weight scales, colsum[n] = Σ_k Wq[n, k] (for the activation zero point) and the bias.
//
//   Int8Linear fc(wq, w_scale, bias, /*n=*/768, /*k=*/768);
//   k.quantize_rows_u8(x, m, 768, Int8Linear::activation_qmax(), xq, s, z);
//   fc.forward(xq, m, acc);
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

  // xq [m, k] u8 (values <= activation_qmax()), acc [m, n] int32. m may be 0.
  void forward(const uint8_t* xq, int64_t m, int32_t* acc) const;

  int64_t n() const;
  int64_t k() const;
  const float* col_scale() const;  // [n]
  const int32_t* col_sum() const;  // [n]
  const float* bias() const;       // [n] or null

  // 255 when oneDNN's u8 x s8 GEMM is exact for full-range u8 on this CPU (VNNI), else 127
  // (the reduced activation range that avoids vpmaddubsw saturation). Probed once.
  static int activation_qmax();
  // Whether a full-range probe (u8 255 x s8 127) comes back exact; what activation_qmax uses.
  static bool full_range_exact();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bertq::kernels
