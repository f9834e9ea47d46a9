// The one table of BERT tensor names (STYLE.md 2.3): an enum plus a layer index maps to the
// canonical Hugging Face name of BertForSequenceClassification, and to its expected shape.
// Linear weights are [out, in] like PyTorch (y = x W^T + b). Shape legend: V vocab, P max
// positions, TV token types, H hidden, I intermediate, L labels.
//
//   tensor_name(BertTensor::FFN_OUT_WEIGHT, 3) == "bert.encoder.layer.3.output.dense.weight"
//   expected_shape(BertTensor::FFN_OUT_WEIGHT, cfg) == {H, I}
//   for (auto& [name, shape] : all_tensor_names(cfg)) ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/bert_config.h"

namespace bertq::io {

enum class BertTensor {
  WORD_EMBEDDINGS,        // [V, H]
  POSITION_EMBEDDINGS,    // [P, H]
  TOKEN_TYPE_EMBEDDINGS,  // [TV, H]
  EMB_LN_WEIGHT,
  EMB_LN_BIAS,  // [H]
  Q_WEIGHT,
  Q_BIAS,
  K_WEIGHT,
  K_BIAS,
  V_WEIGHT,
  V_BIAS,  // [H, H], [H]
  ATTN_OUT_WEIGHT,
  ATTN_OUT_BIAS,  // [H, H], [H]
  ATTN_LN_WEIGHT,
  ATTN_LN_BIAS,  // [H]
  FFN_IN_WEIGHT,
  FFN_IN_BIAS,  // [I, H], [I]
  FFN_OUT_WEIGHT,
  FFN_OUT_BIAS,  // [H, I], [H]
  FFN_LN_WEIGHT,
  FFN_LN_BIAS,  // [H]
  POOLER_WEIGHT,
  POOLER_BIAS,  // [H, H], [H]
  CLASSIFIER_WEIGHT,
  CLASSIFIER_BIAS,  // [L, H], [L]
};
constexpr int kNumBertTensors = static_cast<int>(BertTensor::CLASSIFIER_BIAS) + 1;

// Q_WEIGHT .. FFN_LN_BIAS: one per encoder layer.
bool is_layer_tensor(BertTensor t);
// A 2-D matrix (embedding table or Linear weight); the others are 1-D biases / LayerNorm.
bool is_matrix_tensor(BertTensor t);
// Linear weights (Q/K/V, attention output, FFN in/out, pooler, classifier): what the
// quantizer may store as I8 with an F32 "<name>_scale" sibling.
bool is_linear_weight(BertTensor t);
bool is_layer_norm_weight(BertTensor t);

// Canonical name. Layer tensors need 0 <= layer; the others ignore `layer`. Throws
// INVALID_ARGUMENT for a layer tensor without a layer.
std::string tensor_name(BertTensor t, int layer = -1);
std::vector<int64_t> expected_shape(BertTensor t, const BertConfig& config);

struct TensorId {
  BertTensor tensor;
  int layer;  // -1 for non-layer tensors
};
// Inverse of tensor_name (canonical names only; layer index not checked against a config).
std::optional<TensorId> parse_tensor_name(const std::string& name);

// Every canonical tensor with its shape: embeddings, layers 0..N-1, pooler, classifier (no
// token-type table for an architecture without one, architecture.h).
std::vector<std::pair<std::string, std::vector<int64_t>>> all_tensor_names(
    const BertConfig& config);

}  // namespace bertq::io
