// LinearLayer forward passes (see linear_layer.h). INT8: quantize rows (parallel over row
// blocks) -> oneDNN u8s8s32 (its own threading) -> dequantize + bias (+ GELU) epilogue.
#include "engine/linear_layer.h"

#include "core/error.h"
#include "engine/parallel.h"
#include "kernels/int8_scheme.h"
#include "kernels/ref/int8_ref.h"

namespace bertq::engine {

LinearLayer::LinearLayer(kernels::PackedLinear fc)
    : f32_(std::make_unique<kernels::PackedLinear>(std::move(fc))) {}

LinearLayer::LinearLayer(kernels::Int8Linear fc, std::optional<StaticRange> range, int qmax)
    : i8_(std::make_unique<kernels::Int8Linear>(std::move(fc))), range_(range), qmax_(qmax) {
  check(kernels::is_activation_qmax(qmax), ErrorCode::INVALID_ARGUMENT,
        "LinearLayer: activation qmax ", qmax, " (127 or 255)");
}

int64_t LinearLayer::n() const {
  return i8_ ? i8_->n() : f32_->n();
}
int64_t LinearLayer::k() const {
  return i8_ ? i8_->k() : f32_->k();
}

const float* LinearLayer::forward(const kernels::KernelTable& k, const float* x, size_t m, float* y,
                                  Workspace& ws, bool gelu) const {
  if (m == 0) return nullptr;
  if (f32_) {
    const kernels::PackedLinear& fc = *f32_;
    if (fc.type() == kernels::GemmType::BF16) {
      const size_t n = m * size_t(fc.k());
      uint16_t* xb = ws.bf16();
      parallel_rows(n, 4096,
                    [&](size_t i0, size_t i1) { k.convert_f32_bf16(x + i0, xb + i0, i1 - i0); });
      fc.forward(xb, int64_t(m), y);
    } else {
      fc.forward(x, int64_t(m), y);
    }
    // The fused-bias Linears (QKV) built with fuse_bias already added it.
    const bool fused = fc.bias() && fc.fuses_bias();
    const float* pending = fused ? nullptr : fc.bias();
    if (!gelu) return pending;
    const size_t n = size_t(fc.n());
    parallel_rows(m, 4,
                  [&](size_t r0, size_t r1) { k.bias_gelu_f32(y + r0 * n, pending, r1 - r0, n); });
    return nullptr;
  }
  const kernels::Int8Linear& fc = *i8_;
  const size_t K = size_t(fc.k()), N = size_t(fc.n());
  uint8_t* xq = ws.xq();
  float* rs = ws.row_scale();
  int32_t* rz = ws.row_zero();
  if (range_) {
    float scale, inv;
    int32_t zero;
    kernels::activation_params_ref(range_->lo, range_->hi, qmax_, &scale, &inv, &zero);
    parallel_rows(m, 8, [&](size_t r0, size_t r1) {
      k.quantize_rows_u8_fixed(x + r0 * K, r1 - r0, K, inv, zero, qmax_, xq + r0 * K);
      for (size_t r = r0; r < r1; ++r) rs[r] = scale, rz[r] = zero;
    });
  } else {
    parallel_rows(m, 8, [&](size_t r0, size_t r1) {
      k.quantize_rows_u8(x + r0 * K, r1 - r0, K, qmax_, xq + r0 * K, rs + r0, rz + r0);
    });
  }
  int32_t* acc = ws.acc();
  fc.forward(xq, int64_t(m), acc, qmax_);
  parallel_rows(m, 4, [&](size_t r0, size_t r1) {
    k.dequant_bias_f32(acc + r0 * N, rs + r0, rz + r0, fc.col_scale(), fc.col_sum(), fc.bias(),
                       gelu, y + r0 * N, r1 - r0, N);
  });
  return nullptr;
}

}  // namespace bertq::engine
