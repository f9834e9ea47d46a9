// Ops over packed activations (see ops.h). Parallelism: OpenMP (the runtime oneDNN uses here,
// so one thread team serves both); elementwise ops split rows, attention splits
// (sequence, head) pairs, each running single-threaded sgemm calls.
#include "engine/ops.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "engine/parallel.h"

namespace bertq::engine {

void embed(const Model& m, const PackedBatch& batch, float* out) {
  const io::BertConfig& c = m.config();
  const size_t H = size_t(c.hidden_size);
  for (size_t b = 0; b < batch.size(); ++b) {
    check(batch.length(b) <= size_t(c.max_tokens()), ErrorCode::INVALID_ARGUMENT, "sequence ", b,
          ": ", batch.length(b), " tokens, more than the model's ", c.max_tokens(),
          " positions (max_position_embeddings)");
    for (size_t t = batch.offsets[b]; t < batch.offsets[b + 1]; ++t) {
      const int32_t id = batch.ids[t], ty = batch.type_ids[t];
      check(id >= 0 && id < c.vocab_size, ErrorCode::INVALID_ARGUMENT, "sequence ", b, " position ",
            t - batch.offsets[b], ": token id ", id, " outside the vocabulary [0, ", c.vocab_size,
            ")");
      check(ty >= 0 && ty < c.type_vocab_size, ErrorCode::INVALID_ARGUMENT, "sequence ", b,
            " position ", t - batch.offsets[b], ": token type id ", ty, " outside [0, ",
            c.type_vocab_size, ")");
    }
  }
  const EmbeddingTable& word = m.word_table();
  const EmbeddingTable& pos = m.position_table();
  const float* type = m.token_type_embeddings();
  const auto& k = m.kernels();
  const float eps = c.layer_norm_eps;
  const size_t first_pos = size_t(c.position_offset());  // RoBERTa: pad_token_id + 1
  parallel_rows(batch.size(), 1, [&](size_t b0, size_t b1) {
    std::vector<float> pos_row(H);
    for (size_t b = b0; b < b1; ++b) {
      for (size_t t = batch.offsets[b]; t < batch.offsets[b + 1]; ++t) {
        const size_t p = t - batch.offsets[b];
        const float* te = type ? type + size_t(batch.type_ids[t]) * H : nullptr;
        float* o = out + t * H;
        float* pe = pos_row.data();
        // HF order: (word + token_type) + position, then LayerNorm. INT8 tables are
        // dequantized row by row (q * row scale).
        word.row(size_t(batch.ids[t]), o, H);
        if (te)
          for (size_t i = 0; i < H; ++i) o[i] += te[i];
        pos.row(p + first_pos, pe, H);
        k.add_bias_residual_layernorm_f32(o, nullptr, pe, m.emb_ln_weight(), m.emb_ln_bias(), eps,
                                          o, 1, H);
      }
    }
  });
}

void attention(const kernels::KernelTable& k, const float* qkv, const PackedBatch& batch, int heads,
               int head_size, float* ctx, Workspace& ws) {
  const int64_t H = int64_t(heads) * head_size, ld = 3 * H;
  const float scale = 1.f / std::sqrt(float(head_size));
  const size_t jobs = batch.size() * size_t(heads);
  const int nt = omp_get_max_threads();
  // Exceptions must not leave an OpenMP region: collect the first one.
  bool failed = false;
  std::string error;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
  for (size_t j = 0; j < jobs; ++j) {
    const size_t b = j / size_t(heads), h = j % size_t(heads);
    const int64_t L = int64_t(batch.length(b));
    const float* q = qkv + int64_t(batch.offsets[b]) * ld + int64_t(h) * head_size;
    const float* kk = q + H;
    const float* v = q + 2 * H;
    float* s = ws.scores(omp_get_thread_num());
    float* o = ctx + int64_t(batch.offsets[b]) * H + int64_t(h) * head_size;
    try {
      // S[L, L] = scale · Q_h K_hᵀ; softmax over each row; O[L, HS] = S V_h.
      kernels::gemm_f32(false, true, L, L, head_size, scale, q, ld, kk, ld, 0.f, s, L);
      k.softmax_f32(s, size_t(L), size_t(L), size_t(L), 1.f);
      kernels::gemm_f32(false, false, L, head_size, L, 1.f, s, L, v, ld, 0.f, o, H);
    } catch (const std::exception& e) {
#pragma omp critical
      {
        if (!failed) error = e.what();
        failed = true;
      }
    }
  }
  check(!failed, ErrorCode::INTERNAL, "attention: ", error);
}

void add_bias_residual_layernorm(const kernels::KernelTable& k, const float* x, const float* bias,
                                 const float* residual, const float* gamma, const float* beta,
                                 float eps, float* y, size_t rows, size_t n) {
  parallel_rows(rows, 8, [&](size_t r0, size_t r1) {
    k.add_bias_residual_layernorm_f32(x + r0 * n, bias, residual + r0 * n, gamma, beta, eps,
                                      y + r0 * n, r1 - r0, n);
  });
}

void bias_gelu(const kernels::KernelTable& k, float* x, const float* bias, size_t rows, size_t n) {
  parallel_rows(rows, 4,
                [&](size_t r0, size_t r1) { k.bias_gelu_f32(x + r0 * n, bias, r1 - r0, n); });
}

}  // namespace bertq::engine
