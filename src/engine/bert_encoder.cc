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

void observe(const LinearInputObserver* obs, const char* which, int layer, const float* x,
             size_t rows, size_t cols) {
  if (obs && *obs) (*obs)(which, layer, x, rows, cols);
}

void encoder_layer(const Model& m, const LayerWeights& w, int l, const PackedBatch& batch,
                   Workspace& ws, const LinearInputObserver* obs) {
  const io::BertConfig& c = m.config();
  const size_t T = batch.tokens(), H = size_t(c.hidden_size), I = size_t(c.intermediate_size);
  const float eps = c.layer_norm_eps;
  const kernels::KernelTable& k = m.kernels();
  float* x = ws.hidden();
  // Self-attention block. forward() returns the bias it left to the next kernel (FP32).
  observe(obs, "qkv", l, x, T, H);
  w.qkv.forward(k, x, T, ws.qkv(), ws, false);
  attention(k, ws.qkv(), batch, c.num_attention_heads, c.head_size(), ws.ctx(), ws);
  observe(obs, "attn_out", l, ws.ctx(), T, H);
  const float* b = w.attn_out.forward(k, ws.ctx(), T, ws.proj(), ws, false);
  add_bias_residual_layernorm(k, ws.proj(), b, x, w.attn_ln_weight, w.attn_ln_bias, eps, x, T, H);
  // Feed-forward block.
  observe(obs, "ffn_in", l, x, T, H);
  w.ffn_in.forward(k, x, T, ws.inter(), ws, /*gelu=*/true);
  observe(obs, "ffn_out", l, ws.inter(), T, I);
  b = w.ffn_out.forward(k, ws.inter(), T, ws.proj(), ws, false);
  add_bias_residual_layernorm(k, ws.proj(), b, x, w.ffn_ln_weight, w.ffn_ln_bias, eps, x, T, H);
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
  const LinearInputObserver* obs = out ? &out->observe_linear_inputs : nullptr;
  for (size_t l = 0; l < model.layers().size(); ++l) {
    encoder_layer(model, model.layers()[l], int(l), batch, ws, obs);
    keep(ws.hidden());
  }
  std::vector<float> pooled;
  if (out) out->pooled.resize(B * H);
  pooler_and_classifier(model, ws.hidden(), batch, ws, out ? out->pooled.data() : nullptr,
                        logits.data());
  return logits;
}

}  // namespace bertq::engine
