// The BERT encoder over packed tokens (math in bert_encoder.h), one screen per layer.
#include "engine/bert_encoder.h"

#include <omp.h>

#include "core/thread_pool.h"
#include "engine/ops.h"

namespace bertq::engine {
namespace {

// Sets the calling thread's OpenMP team size for one call and restores it afterwards.
class ScopedOmpThreads {
 public:
  explicit ScopedOmpThreads(int n) : saved_(omp_get_max_threads()) {
    omp_set_num_threads(n > 0 ? n : default_num_threads());
  }
  ~ScopedOmpThreads() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

void encoder_layer(const Model& m, const LayerWeights& w, const PackedBatch& batch, Workspace& ws) {
  const io::BertConfig& c = m.config();
  const size_t T = batch.tokens(), H = size_t(c.hidden_size), I = size_t(c.intermediate_size);
  const float eps = c.layer_norm_eps;
  const kernels::KernelTable& k = m.kernels();
  float* x = ws.hidden();
  // Self-attention block.
  linear(k, w.qkv, x, T, ws.qkv(), ws);
  attention(k, ws.qkv(), batch, c.num_attention_heads, c.head_size(), ws.ctx(), ws);
  linear(k, w.attn_out, ws.ctx(), T, ws.proj(), ws);
  add_bias_residual_layernorm(k, ws.proj(), w.attn_out.bias(), x, w.attn_ln_weight, w.attn_ln_bias,
                              eps, x, T, H);
  // Feed-forward block.
  linear(k, w.ffn_in, x, T, ws.inter(), ws);
  bias_gelu(k, ws.inter(), w.ffn_in.bias(), T, I);
  linear(k, w.ffn_out, ws.inter(), T, ws.proj(), ws);
  add_bias_residual_layernorm(k, ws.proj(), w.ffn_out.bias(), x, w.ffn_ln_weight, w.ffn_ln_bias,
                              eps, x, T, H);
}

}  // namespace

std::vector<float> forward(const Model& model, const PackedBatch& batch, ForwardOutputs* out,
                           Workspace* workspace) {
  thread_local Workspace local;
  Workspace& ws = workspace ? *workspace : local;
  const io::BertConfig& c = model.config();
  const size_t B = batch.size(), T = batch.tokens(), H = size_t(c.hidden_size);
  std::vector<float> logits(B * size_t(c.num_labels()));
  if (B == 0) return logits;
  const int threads = model.options().threads > 0 ? model.options().threads : default_num_threads();
  ScopedOmpThreads omp_threads(threads);
  ws.reserve(T, H, size_t(c.intermediate_size), batch.max_length(), B, threads);

  auto keep = [&](const float* x) {
    if (out && out->keep_hidden_states) out->hidden_states.emplace_back(x, x + T * H);
  };
  if (out) out->hidden_states.clear();
  embed(model, batch, ws.hidden());
  keep(ws.hidden());
  for (const LayerWeights& w : model.layers()) {
    encoder_layer(model, w, batch, ws);
    keep(ws.hidden());
  }
  std::vector<float> pooled;
  if (out) out->pooled.resize(B * H);
  pooler_and_classifier(model, ws.hidden(), batch, ws, out ? out->pooled.data() : nullptr,
                        logits.data());
  return logits;
}

}  // namespace bertq::engine
