// The BERT tensor-name table (see bert_tensors.h).
#include "io/bert_tensors.h"

#include <cstdlib>

#include "core/error.h"

namespace bertq::io {
namespace {

struct Entry {
  BertTensor tensor;
  const char* suffix;  // after "bert.embeddings." / "bert.encoder.layer.N." / as is
};

constexpr const char* kLayerPrefix = "bert.encoder.layer.";

constexpr Entry kTable[kNumBertTensors] = {
    {BertTensor::WORD_EMBEDDINGS, "bert.embeddings.word_embeddings.weight"},
    {BertTensor::POSITION_EMBEDDINGS, "bert.embeddings.position_embeddings.weight"},
    {BertTensor::TOKEN_TYPE_EMBEDDINGS, "bert.embeddings.token_type_embeddings.weight"},
    {BertTensor::EMB_LN_WEIGHT, "bert.embeddings.LayerNorm.weight"},
    {BertTensor::EMB_LN_BIAS, "bert.embeddings.LayerNorm.bias"},
    {BertTensor::Q_WEIGHT, "attention.self.query.weight"},
    {BertTensor::Q_BIAS, "attention.self.query.bias"},
    {BertTensor::K_WEIGHT, "attention.self.key.weight"},
    {BertTensor::K_BIAS, "attention.self.key.bias"},
    {BertTensor::V_WEIGHT, "attention.self.value.weight"},
    {BertTensor::V_BIAS, "attention.self.value.bias"},
    {BertTensor::ATTN_OUT_WEIGHT, "attention.output.dense.weight"},
    {BertTensor::ATTN_OUT_BIAS, "attention.output.dense.bias"},
    {BertTensor::ATTN_LN_WEIGHT, "attention.output.LayerNorm.weight"},
    {BertTensor::ATTN_LN_BIAS, "attention.output.LayerNorm.bias"},
    {BertTensor::FFN_IN_WEIGHT, "intermediate.dense.weight"},
    {BertTensor::FFN_IN_BIAS, "intermediate.dense.bias"},
    {BertTensor::FFN_OUT_WEIGHT, "output.dense.weight"},
    {BertTensor::FFN_OUT_BIAS, "output.dense.bias"},
    {BertTensor::FFN_LN_WEIGHT, "output.LayerNorm.weight"},
    {BertTensor::FFN_LN_BIAS, "output.LayerNorm.bias"},
    {BertTensor::POOLER_WEIGHT, "bert.pooler.dense.weight"},
    {BertTensor::POOLER_BIAS, "bert.pooler.dense.bias"},
    {BertTensor::CLASSIFIER_WEIGHT, "classifier.weight"},
    {BertTensor::CLASSIFIER_BIAS, "classifier.bias"},
};

const Entry& entry(BertTensor t) {
  const int i = static_cast<int>(t);
  check(i >= 0 && i < kNumBertTensors && kTable[i].tensor == t, ErrorCode::INTERNAL,
        "bad BertTensor value ", i);
  return kTable[i];
}

}  // namespace

bool is_layer_tensor(BertTensor t) {
  return t >= BertTensor::Q_WEIGHT && t <= BertTensor::FFN_LN_BIAS;
}

bool is_linear_weight(BertTensor t) {
  switch (t) {
    case BertTensor::Q_WEIGHT:
    case BertTensor::K_WEIGHT:
    case BertTensor::V_WEIGHT:
    case BertTensor::ATTN_OUT_WEIGHT:
    case BertTensor::FFN_IN_WEIGHT:
    case BertTensor::FFN_OUT_WEIGHT:
    case BertTensor::POOLER_WEIGHT:
    case BertTensor::CLASSIFIER_WEIGHT:
      return true;
    default:
      return false;
  }
}

bool is_matrix_tensor(BertTensor t) {
  return is_linear_weight(t) || t == BertTensor::WORD_EMBEDDINGS ||
         t == BertTensor::POSITION_EMBEDDINGS || t == BertTensor::TOKEN_TYPE_EMBEDDINGS;
}

bool is_layer_norm_weight(BertTensor t) {
  return t == BertTensor::EMB_LN_WEIGHT || t == BertTensor::ATTN_LN_WEIGHT ||
         t == BertTensor::FFN_LN_WEIGHT;
}

std::string tensor_name(BertTensor t, int layer) {
  const Entry& e = entry(t);
  if (!is_layer_tensor(t)) return e.suffix;
  check(layer >= 0, ErrorCode::INVALID_ARGUMENT, "tensor_name: ", e.suffix,
        " is a layer tensor and needs a layer index");
  return cat(kLayerPrefix, layer, ".", e.suffix);
}

std::vector<int64_t> expected_shape(BertTensor t, const BertConfig& c) {
  const int64_t H = c.hidden_size, I = c.intermediate_size;
  switch (t) {
    case BertTensor::WORD_EMBEDDINGS:
      return {c.vocab_size, H};
    case BertTensor::POSITION_EMBEDDINGS:
      return {c.max_position_embeddings, H};
    case BertTensor::TOKEN_TYPE_EMBEDDINGS:
      return {c.type_vocab_size, H};
    case BertTensor::Q_WEIGHT:
    case BertTensor::K_WEIGHT:
    case BertTensor::V_WEIGHT:
    case BertTensor::ATTN_OUT_WEIGHT:
    case BertTensor::POOLER_WEIGHT:
      return {H, H};
    case BertTensor::FFN_IN_WEIGHT:
      return {I, H};
    case BertTensor::FFN_IN_BIAS:
      return {I};
    case BertTensor::FFN_OUT_WEIGHT:
      return {H, I};
    case BertTensor::CLASSIFIER_WEIGHT:
      return {c.num_labels(), H};
    case BertTensor::CLASSIFIER_BIAS:
      return {c.num_labels()};
    default:
      return {H};  // biases and LayerNorm parameters of width H
  }
}

std::optional<TensorId> parse_tensor_name(const std::string& name) {
  const std::string prefix = kLayerPrefix;
  if (name.compare(0, prefix.size(), prefix) == 0) {
    const size_t dot = name.find('.', prefix.size());
    if (dot == std::string::npos || dot == prefix.size() || dot - prefix.size() > 6)
      return std::nullopt;
    int layer = 0;
    for (size_t i = prefix.size(); i < dot; ++i) {
      if (name[i] < '0' || name[i] > '9') return std::nullopt;
      layer = layer * 10 + (name[i] - '0');
    }
    if (name != cat(prefix, layer, name.substr(dot))) return std::nullopt;  // no leading zeros
    const std::string suffix = name.substr(dot + 1);
    for (const Entry& e : kTable)
      if (is_layer_tensor(e.tensor) && suffix == e.suffix) return TensorId{e.tensor, layer};
    return std::nullopt;
  }
  for (const Entry& e : kTable)
    if (!is_layer_tensor(e.tensor) && name == e.suffix) return TensorId{e.tensor, -1};
  return std::nullopt;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> all_tensor_names(const BertConfig& c) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  const bool types = arch_spec(c.arch).token_types;
  for (const Entry& e : kTable)
    if (e.tensor < BertTensor::Q_WEIGHT && (types || e.tensor != BertTensor::TOKEN_TYPE_EMBEDDINGS))
      out.emplace_back(e.suffix, expected_shape(e.tensor, c));
  for (int l = 0; l < c.num_hidden_layers; ++l)
    for (const Entry& e : kTable)
      if (is_layer_tensor(e.tensor))
        out.emplace_back(tensor_name(e.tensor, l), expected_shape(e.tensor, c));
  for (const Entry& e : kTable)
    if (e.tensor > BertTensor::FFN_LN_BIAS) out.emplace_back(e.suffix, expected_shape(e.tensor, c));
  return out;
}

}  // namespace bertq::io
