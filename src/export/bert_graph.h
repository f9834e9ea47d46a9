// The ONNX graph of a BertForSequenceClassification as the engine runs it (engine/bert_encoder.h),
// written the way transformers' exporters write it, so ONNX Runtime's BERT fusions apply:
//   inputs   input_ids, attention_mask, token_type_ids: INT64 ["batch", "sequence"]
//   output   logits: FLOAT ["batch", num_labels]
//   x = LayerNorm(word[input_ids] + token_type[token_type_ids] + position[0:sequence])
//   bias = (1 - attention_mask) · float32 min, broadcast to [batch, heads, sequence, sequence]
//   per layer: softmax(Q Kᵀ / √d + bias) V, output Linear, residual LayerNorm;
//              GELU (erf form: x · 0.5 · (1 + erf(x / √2))) feed-forward, residual LayerNorm
//   logits = tanh([CLS] · W_pᵀ + b_p) · W_cᵀ + b_c
// Opset 17 (LayerNormalization), IR version 8. Initializers: the 1-D tensors and embedding
// tables under their Hugging Face names, every Linear weight transposed to [in, out] as
// "<name>_t". Internal to src/export.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>

#include "io/model_folder.h"

namespace bertq::exporter {

inline constexpr int64_t kOpsetVersion = 17;

// The model of an FP32 folder; UNSUPPORTED naming the tensor when a weight is not F32 (a
// `bertq quantize` folder).
onnx::ModelProto bert_onnx_model(const io::ModelFolder& folder);

}  // namespace bertq::exporter
