// The heads: the pooler on each sequence's first token ([CLS]) and the linear classifier.
//   pooled[b, :] = act(hidden[offsets[b], :]·W_pᵀ + b_p)      W_p [H, H]
// act: tanh (BERT's pooler) or ReLU (DistilBERT's pre_classifier; architecture.h).
//   logits[b, :] = pooled[b, :]·W_cᵀ + b_c                     W_c [NL, H]
// The classifier is NL (usually 2) dot products per sequence: plain loops, double sums.
#include <cstring>

#include "engine/bert_encoder.h"
#include "engine/ops.h"

namespace bertq::engine {

void pooler_and_classifier(const Model& model, const float* hidden, const PackedBatch& batch,
                           Workspace& ws, float* pooled_out, float* logits) {
  const io::BertConfig& c = model.config();
  const size_t B = batch.size(), H = size_t(c.hidden_size), NL = size_t(c.num_labels());
  float* cls = ws.pooled();
  float* pooled = cls + B * H;
  for (size_t b = 0; b < B; ++b) {
    std::memcpy(cls + b * H, hidden + batch.offsets[b] * H, H * sizeof(float));
  }
  const float* pending = model.pooler().forward(model.kernels(), cls, B, pooled, ws, false);
  if (io::arch_spec(c.arch).head_activation == io::HeadActivation::TANH) {
    model.kernels().bias_tanh_f32(pooled, pending, B, H);
  } else {  // ReLU on B rows: a plain loop
    for (size_t b = 0; b < B; ++b)
      for (size_t i = 0; i < H; ++i) {
        const float v = pooled[b * H + i] + (pending ? pending[i] : 0.f);
        pooled[b * H + i] = v > 0.f ? v : 0.f;
      }
  }
  if (pooled_out) std::memcpy(pooled_out, pooled, B * H * sizeof(float));
  const float* w = model.classifier_weight();
  const float* bias = model.classifier_bias();
  for (size_t b = 0; b < B; ++b) {
    for (size_t j = 0; j < NL; ++j) {
      double s = bias[j];
      for (size_t i = 0; i < H; ++i) s += double(pooled[b * H + i]) * w[j * H + i];
      logits[b * NL + j] = float(s);
    }
  }
}

}  // namespace bertq::engine
