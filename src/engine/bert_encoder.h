// The forward pass of BertForSequenceClassification over a packed batch:
//   hidden_states.0 = LayerNorm(word + token_type + position embeddings)
//   for each layer l:  qkv = x·W_qkvᵀ + b;  a = attention(qkv);
//                      x = LN(a·W_oᵀ + b_o + x);  f = gelu(x·W_iᵀ + b_i);
//                      x = LN(f·W_fᵀ + b_f + x)                 -> hidden_states.(l + 1)
//   pooled = tanh([CLS] row · W_pᵀ + b_p);  logits = pooled · W_cᵀ + b_c
// Safe to run concurrently on one Model, each call with its own Workspace (or none: a
// thread-local one is used). The calling thread's OpenMP team does the work, sized by
// EngineOptions::threads for the duration of the call.
//
//   auto batch = PackedBatch::pack(ids);
//   ForwardOutputs out;  out.keep_hidden_states = true;       // optional, layer by layer
//   std::vector<float> logits = forward(*model, batch, &out); // [B, NL]
#pragma once

#include <functional>
#include <vector>

#include "engine/model.h"
#include "engine/packed_batch.h"
#include "engine/workspace.h"

namespace bertq::engine {

// Called with the input of each encoder Linear before it runs: which is "qkv", "attn_out",
// "ffn_in" or "ffn_out", x [rows, cols] (the quantizer's calibration pass uses it).
using LinearInputObserver =
    std::function<void(const char* which, int layer, const float* x, size_t rows, size_t cols)>;

// Optional intermediates, for tests and debugging (STYLE.md "layer by layer").
struct ForwardOutputs {
  LinearInputObserver observe_linear_inputs;  // optional
  bool keep_hidden_states = false;
  // hidden_states[0] = embeddings, [l + 1] = output of layer l; each packed [T, H].
  std::vector<std::vector<float>> hidden_states;
  std::vector<float> pooled;  // [B, H]
};

// Returns logits [B, NL] row-major.
std::vector<float> forward(const Model& model, const PackedBatch& batch,
                           ForwardOutputs* outputs = nullptr, Workspace* workspace = nullptr);

// pooled[B, H] = tanh(cls[B, H]·W_pᵀ + b_p) (in place on ws.pooled()), logits[B, NL].
// Defined in heads.cc.
void pooler_and_classifier(const Model& model, const float* hidden, const PackedBatch& batch,
                           Workspace& ws, float* pooled_out, float* logits);

}  // namespace bertq::engine
