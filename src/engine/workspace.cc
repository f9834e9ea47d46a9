// Workspace sizing (see workspace.h).
#include "engine/workspace.h"

namespace bertq::engine {

void Workspace::reserve(size_t T, size_t H, size_t I, size_t max_len, size_t B, int threads) {
  hidden_.resize(T * H);
  qkv_.resize(T * 3 * H);
  ctx_.resize(T * H);
  proj_.resize(T * H);
  inter_.resize(T * I);
  // Round each thread's score block to a cache line so threads never share one. The stride
  // only grows (the buffer is reused), so the buffer must hold `threads` blocks of the stride
  // in force, not of this call's block: a call with fewer, longer sequences followed by one
  // with more threads and shorter ones would otherwise put thread 1's block past the end.
  const size_t ss = ((max_len * max_len + 15) / 16) * 16;
  score_stride_ = ss > score_stride_ ? ss : score_stride_;
  scores_.resize(score_stride_ * size_t(threads));
  pooled_.resize(2 * B * H);
  bf16_.resize(T * (H > I ? H : I));
  xq_.resize(T * (H > I ? H : I));
  acc_.resize(T * (3 * H > I ? 3 * H : I));
  row_scale_.resize(T);
  row_zero_.resize(T);
}

}  // namespace bertq::engine
