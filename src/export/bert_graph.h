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
// "<name>_t".
// INT8 folders (`bertq quantize`) run as the engine runs them (kernels/int8_scheme.h): an I8
// Linear quantizes its input to u8 per row (or with its calibrated "_input_range"), multiplies
// with MatMulInteger (int32) and computes s_x · s_w · (acc − zero · colsum) + b; Q/K/V are INT8
// only when all three are (else F32 with the I8 ones dequantized); I8 embedding rows are
// dequantized on lookup. Activations use the reduced range [0, 127] on every CPU: what the
// engine uses without VNNI, and exact in ONNX Runtime's u8 × s8 GEMM on any x86 (no
// vpmaddubsw saturation); the engine with VNNI uses [0, 255]. Internal to src/export.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>

#include "io/model_folder.h"

namespace bertq::exporter {

inline constexpr int64_t kOpsetVersion = 17;

// The model of a folder; UNSUPPORTED for what the engine does not run either (a hidden_act
// other than "gelu", an I8 classifier).
onnx::ModelProto bert_onnx_model(const io::ModelFolder& folder);

}  // namespace bertq::exporter
