// Per-call buffers of a forward pass (the mutable state; the Model stays immutable). Buffers
// only grow, so a workspace reused by one thread for many calls allocates once. Never share
// one workspace between concurrent calls.
//
//   bertq::engine::Workspace ws;
//   auto logits = bertq::engine::forward(*model, batch, nullptr, &ws);
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/aligned.h"

namespace bertq::engine {

class Workspace {
 public:
  // Sizes every buffer for T tokens, sequences up to max_len, B sequences, `threads` threads.
  void reserve(size_t T, size_t H, size_t I, size_t max_len, size_t B, int threads);

  float* hidden() { return hidden_.data(); }  // [T, H] residual stream
  float* qkv() { return qkv_.data(); }        // [T, 3H]
  float* ctx() { return ctx_.data(); }        // [T, H] attention context
  float* proj() { return proj_.data(); }      // [T, H] output projections
  float* inter() { return inter_.data(); }    // [T, I]
  float* scores(int thread) { return scores_.data() + size_t(thread) * score_stride_; }  // [L, L]
  size_t scores_size() const { return scores_.size(); }  // floats behind scores(0)
  float* pooled() { return pooled_.data(); }  // [B, H] (first B*H: [CLS] rows, then pooled)
  uint16_t* bf16() { return bf16_.data(); }   // [T, max(H, I)] bf16 activations
  // INT8 Linear layers: quantized input [T, max(H, I)], int32 accumulators [T, max(3H, I)],
  // per-row activation scale and zero point [T].
  uint8_t* xq() { return xq_.data(); }
  int32_t* acc() { return acc_.data(); }
  float* row_scale() { return row_scale_.data(); }
  int32_t* row_zero() { return row_zero_.data(); }

 private:
  AlignedBuffer<float> hidden_, qkv_, ctx_, proj_, inter_, scores_, pooled_;
  AlignedBuffer<uint16_t> bf16_;
  AlignedBuffer<uint8_t> xq_;
  AlignedBuffer<int32_t> acc_, row_zero_;
  AlignedBuffer<float> row_scale_;
  size_t score_stride_ = 0;
};

}  // namespace bertq::engine
