// One Linear layer of the engine, y[M, N] = x[M, K]·Wᵀ + b, in one of two forms:
// - FP32 / BF16: kernels::PackedLinear (oneDNN f32 or bf16 matmul);
// - INT8 (a model written by `bertq quantize`, scheme in kernels/int8_scheme.h): the rows of x
//   are quantized to u8 (per-row dynamic range, or the calibrated static range), oneDNN u8s8s32
//   matmul, then the dequantize + bias (+ GELU) epilogue kernel.
// forward() applies as much of the post-processing as the layer fuses and returns the bias the
// caller still has to add (null when already applied), so the encoder can fold it into the next
// kernel (residual LayerNorm) on the FP32 path.
//
//   const float* pending = layer.forward(k, x, T, y, ws, /*gelu=*/false);
//   add_bias_residual_layernorm(k, y, pending, residual, ...);
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "engine/workspace.h"
#include "kernels/kernel_table.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/onednn/linear.h"

namespace bertq::engine {

// Calibrated input range of a static-INT8 layer ([lo, hi], lo <= 0 <= hi).
struct StaticRange {
  float lo = 0, hi = 0;
};

class LinearLayer {
 public:
  explicit LinearLayer(kernels::PackedLinear fc);
  // INT8 with activations in [0, qmax] (the folder's range, io/quantization_config.h); `range`
  // set for the static scheme (per-tensor activation range), unset = dynamic.
  LinearLayer(kernels::Int8Linear fc, std::optional<StaticRange> range, int qmax);

  // x [m, K] f32 -> y [m, N] f32. With gelu, y = gelu(x·Wᵀ + b) and null is returned;
  // otherwise the return value is the bias still to be added (null if none or applied).
  const float* forward(const kernels::KernelTable& k, const float* x, size_t m, float* y,
                       Workspace& ws, bool gelu) const;

  bool is_int8() const { return i8_ != nullptr; }
  bool is_static() const { return range_.has_value(); }
  int activation_qmax() const { return qmax_; }  // 0 for FP32 / BF16
  int64_t n() const;
  int64_t k() const;

 private:
  std::unique_ptr<kernels::PackedLinear> f32_;
  std::unique_ptr<kernels::Int8Linear> i8_;
  std::optional<StaticRange> range_;
  int qmax_ = 0;
};

}  // namespace bertq::engine
