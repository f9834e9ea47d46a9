// Builds the BERT classifier graph of bert_graph.h, one function per block.
#include "export/bert_graph.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "export/graph_builder.h"

namespace bertq::exporter {
namespace {

using io::BertTensor;
using onnx::MakeAttribute;

class BertGraph {
 public:
  BertGraph(const io::ModelFolder& folder, onnx::GraphProto* graph)
      : w_(folder.weights), c_(folder.config), g_(graph) {}

  void build() {
    const std::vector<Dim> tokens = {{0, "batch"}, {0, "sequence"}};
    for (const char* name : {"input_ids", "attention_mask", "token_type_ids"}) {
      g_.input(name, onnx::TensorProto::INT64, tokens);
    }
    std::string x = embeddings("input_ids", "token_type_ids");
    const std::string bias = attention_bias("attention_mask");
    for (int l = 0; l < c_.num_hidden_layers; ++l) x = layer(x, bias, l);
    head(x, "logits");
    g_.output("logits", onnx::TensorProto::FLOAT, {{0, "batch"}, {c_.num_labels(), ""}});
  }

 private:
  const float* f32(BertTensor t, int layer) const {
    const io::TensorView& v = w_.get(t, layer);
    check(v.dtype == io::DType::F32, ErrorCode::UNSUPPORTED, w_.source(), ": tensor ", v.name,
          " is ", io::dtype_name(v.dtype),
          ": export onnx writes FP32 models (export the FP32 folder a quantized one came from)");
    return w_.f32(t, layer);
  }
  // A tensor under its own name and shape (1-D parameters, embedding tables).
  std::string param(BertTensor t, int layer = -1) {
    return g_.weight(io::tensor_name(t, layer), w_.get(t, layer).shape, f32(t, layer));
  }

  // y = x · Wᵀ + b, W [out, in] stored transposed.
  std::string linear(const std::string& x, BertTensor weight, BertTensor bias, int layer,
                     const std::string& output = "") {
    const io::TensorView& v = w_.get(weight, layer);
    const std::string wt = g_.weight_transposed(io::tensor_name(weight, layer), f32(weight, layer),
                                                v.shape[0], v.shape[1]);
    return g_.op("Add", {g_.op("MatMul", {x, wt}), param(bias, layer)}, {}, output);
  }

  std::string layer_norm(const std::string& x, BertTensor weight, BertTensor bias, int layer) {
    return g_.op("LayerNormalization", {x, param(weight, layer), param(bias, layer)},
                 {MakeAttribute("axis", int64_t{-1}), MakeAttribute("epsilon", c_.layer_norm_eps)});
  }

  std::string embeddings(const std::string& ids, const std::string& types) {
    g_.set_scope("bert.embeddings");
    // Positions 0 .. sequence-1 (padding sits at the end, so each sequence starts at 0).
    const std::string length = g_.op(
        "Shape", {ids}, {MakeAttribute("start", int64_t{1}), MakeAttribute("end", int64_t{2})});
    const std::string zero = g_.constant_i64({0});
    const std::string pos =
        g_.op("Slice", {param(BertTensor::POSITION_EMBEDDINGS), zero, length, zero});
    // HF order: (word + token type) + position.
    const std::string word = g_.op("Gather", {param(BertTensor::WORD_EMBEDDINGS), ids});
    const std::string type = g_.op("Gather", {param(BertTensor::TOKEN_TYPE_EMBEDDINGS), types});
    const std::string sum = g_.op("Add", {g_.op("Add", {word, type}), pos});
    return layer_norm(sum, BertTensor::EMB_LN_WEIGHT, BertTensor::EMB_LN_BIAS, -1);
  }

  // [batch, 1, 1, sequence]: 0 where attention_mask is 1, float32 min where it is 0.
  std::string attention_bias(const std::string& mask) {
    g_.set_scope("bert.extended_attention_mask");
    const std::string m =
        g_.op("Cast", {mask}, {MakeAttribute("to", int64_t{onnx::TensorProto::FLOAT})});
    const std::string inv = g_.op("Sub", {g_.scalar_f32(1.f), m});
    const std::string bias =
        g_.op("Mul", {inv, g_.scalar_f32(std::numeric_limits<float>::lowest())});
    return g_.op("Unsqueeze", {bias, g_.constant_i64({1, 2})});
  }

  // [batch, sequence, hidden] -> [batch, heads, sequence, head_size] (perm 0,2,1,3) or, for
  // keys, [batch, heads, head_size, sequence] (perm 0,2,3,1).
  std::string split_heads(const std::string& x, const std::vector<int64_t>& perm) {
    const std::string shape = g_.constant_i64({0, 0, c_.num_attention_heads, c_.head_size()});
    return g_.op("Transpose", {g_.op("Reshape", {x, shape})}, {MakeAttribute("perm", perm)});
  }

  std::string self_attention(const std::string& x, const std::string& bias, int l) {
    g_.set_scope(cat("bert.encoder.layer.", l, ".attention"));
    const std::string q =
        split_heads(linear(x, BertTensor::Q_WEIGHT, BertTensor::Q_BIAS, l), {0, 2, 1, 3});
    const std::string k =
        split_heads(linear(x, BertTensor::K_WEIGHT, BertTensor::K_BIAS, l), {0, 2, 3, 1});
    const std::string v =
        split_heads(linear(x, BertTensor::V_WEIGHT, BertTensor::V_BIAS, l), {0, 2, 1, 3});
    const std::string scores =
        g_.op("Div", {g_.op("MatMul", {q, k}), g_.scalar_f32(std::sqrt(float(c_.head_size())))});
    const std::string probs =
        g_.op("Softmax", {g_.op("Add", {scores, bias})}, {MakeAttribute("axis", int64_t{-1})});
    const std::string ctx = g_.op("Transpose", {g_.op("MatMul", {probs, v})},
                                  {MakeAttribute("perm", std::vector<int64_t>{0, 2, 1, 3})});
    const std::string merged = g_.op("Reshape", {ctx, g_.constant_i64({0, 0, c_.hidden_size})});
    const std::string out =
        linear(merged, BertTensor::ATTN_OUT_WEIGHT, BertTensor::ATTN_OUT_BIAS, l);
    return layer_norm(g_.op("Add", {out, x}), BertTensor::ATTN_LN_WEIGHT, BertTensor::ATTN_LN_BIAS,
                      l);
  }

  // x · 0.5 · (1 + erf(x / √2)), as transformers' GELUActivation writes it.
  std::string gelu(const std::string& x) {
    const std::string erf = g_.op("Erf", {g_.op("Div", {x, g_.scalar_f32(std::sqrt(2.f))})});
    return g_.op("Mul",
                 {g_.op("Mul", {x, g_.scalar_f32(0.5f)}), g_.op("Add", {erf, g_.scalar_f32(1.f)})});
  }

  std::string layer(const std::string& x, const std::string& bias, int l) {
    const std::string a = self_attention(x, bias, l);
    g_.set_scope(cat("bert.encoder.layer.", l, ".ffn"));
    const std::string h = gelu(linear(a, BertTensor::FFN_IN_WEIGHT, BertTensor::FFN_IN_BIAS, l));
    const std::string out = linear(h, BertTensor::FFN_OUT_WEIGHT, BertTensor::FFN_OUT_BIAS, l);
    return layer_norm(g_.op("Add", {out, a}), BertTensor::FFN_LN_WEIGHT, BertTensor::FFN_LN_BIAS,
                      l);
  }

  void head(const std::string& x, const std::string& logits) {
    g_.set_scope("bert.pooler");
    const std::string cls =
        g_.op("Gather", {x, g_.scalar_i64(0)}, {MakeAttribute("axis", int64_t{1})});
    const std::string pooled =
        g_.op("Tanh", {linear(cls, BertTensor::POOLER_WEIGHT, BertTensor::POOLER_BIAS, -1)});
    g_.set_scope("classifier");
    linear(pooled, BertTensor::CLASSIFIER_WEIGHT, BertTensor::CLASSIFIER_BIAS, -1, logits);
  }

  const io::WeightStore& w_;
  const io::BertConfig& c_;
  GraphBuilder g_;
};

}  // namespace

onnx::ModelProto bert_onnx_model(const io::ModelFolder& folder) {
  check(folder.config.hidden_act == io::Activation::GELU, ErrorCode::UNSUPPORTED, folder.dir,
        "/config.json: hidden_act '", io::activation_name(folder.config.hidden_act),
        "': export onnx writes the engine's exact 'gelu' only");
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("bertq");
  model.set_producer_version(BERTQ_VERSION);
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("BertForSequenceClassification");
  BertGraph(folder, graph).build();
  return model;
}

}  // namespace bertq::exporter
