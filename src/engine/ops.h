// The engine's ops: each validates its inputs once, then calls the kernels (dispatch table or
// oneDNN) over row blocks in parallel on the calling thread's OpenMP team. Shapes use the
// legend in engine_options.h; all activations are packed [T, ...] (packed_batch.h).
#pragma once

#include <cstddef>

#include "engine/model.h"
#include "engine/packed_batch.h"
#include "engine/workspace.h"

namespace bertq::engine {

// out[T, H] = LayerNorm(word[ids] + position[p] + token_type[type_ids]) with p the position
// inside each sequence. Token ids, type ids and lengths are checked against the config.
void embed(const Model& m, const PackedBatch& batch, float* out);

// Multi-head scaled dot-product attention per sequence. qkv [T, 3H] holds Q | K | V per row;
// ctx[T, H] = concat over heads of softmax(Q_h K_hᵀ / sqrt(HS)) V_h, each sequence attending
// only to its own tokens (the padding mask, without padding).
void attention(const kernels::KernelTable& k, const float* qkv, const PackedBatch& batch, int heads,
               int head_size, float* ctx, Workspace& ws);

// y[T, n] = LayerNorm(x + bias + residual) (y may alias residual), rows in parallel.
void add_bias_residual_layernorm(const kernels::KernelTable& k, const float* x, const float* bias,
                                 const float* residual, const float* gamma, const float* beta,
                                 float eps, float* y, size_t rows, size_t n);

// x[T, n] = gelu(x + bias) in place, rows in parallel.
void bias_gelu(const kernels::KernelTable& k, float* x, const float* bias, size_t rows, size_t n);

}  // namespace bertq::engine
