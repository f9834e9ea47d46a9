// Builds the BERT classifier graph of bert_graph.h, one function per block.
#include "export/bert_graph.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "export/graph_builder.h"
#include "io/quantization_config.h"
#include "kernels/int8_scheme.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/ref/int8_ref.h"

namespace bertq::exporter {
namespace {

using io::BertTensor;
using onnx::MakeAttribute;

// A Linear input quantized as the engine does (kernels/int8_scheme.h): u8 values, per-row (or
// static) scale [.., 1] and zero point [.., 1] as F32.
struct QuantizedInput {
  std::string xq, scale, zero;
};

class BertGraph {
 public:
  BertGraph(const io::ModelFolder& folder, onnx::GraphProto* graph)
      : w_(folder.weights),
        c_(folder.config),
        g_(graph),
        qmax_(io::activation_qmax(folder.config, folder.dir + "/config.json",
                                  &kernels::Int8Linear::legacy_activation_qmax)) {}

  void build() {
    const std::vector<Dim> tokens = {{0, "batch"}, {0, "sequence"}};
    // token_type_ids only for an architecture with token types (DistilBERT has none, as in
    // Optimum's export of it).
    const bool types = io::arch_spec(c_.arch).token_types;
    for (const char* name : {"input_ids", "attention_mask", "token_type_ids"}) {
      if (types || std::string(name) != "token_type_ids")
        g_.input(name, onnx::TensorProto::INT64, tokens);
    }
    std::string x = embeddings("input_ids", types ? "token_type_ids" : "");
    const std::string bias = attention_bias("attention_mask");
    for (int l = 0; l < c_.num_hidden_layers; ++l) x = layer(x, bias, l);
    head(x, "logits");
    g_.output("logits", onnx::TensorProto::FLOAT, {{0, "batch"}, {c_.num_labels(), ""}});
  }

 private:
  bool is_i8(BertTensor t, int layer = -1) const { return w_.get(t, layer).dtype == io::DType::I8; }
  // A tensor under its own name and shape (1-D parameters, F32 embedding tables).
  std::string param(BertTensor t, int layer = -1) {
    return g_.weight(io::tensor_name(t, layer), w_.get(t, layer).shape, w_.f32(t, layer));
  }

  // y = x · Wᵀ + b in F32, W [out, in] stored transposed; an I8 W (in a Q/K/V group the
  // engine runs in F32) is dequantized as the engine does (q · row scale).
  std::string linear(const std::string& x, BertTensor weight, BertTensor bias, int layer,
                     const std::string& output = "") {
    const io::TensorView& v = w_.get(weight, layer);
    std::vector<float> deq;
    const float* data = nullptr;
    if (v.dtype == io::DType::I8) {
      deq.resize(size_t(v.numel()));
      w_.dequantize_rows(v, deq.data());
      data = deq.data();
    } else {
      data = w_.f32(weight, layer);
    }
    const std::string wt = g_.weight_transposed(v.name, data, v.shape[0], v.shape[1]);
    return g_.op("Add", {g_.op("MatMul", {x, wt}), param(bias, layer)}, {}, output);
  }

  // The engine's u8 quantization of x [.., K]: per row (dynamic), or with the calibrated
  // range stored as "<weight>_input_range" (static).
  QuantizedInput quantize(const std::string& x, const std::string& weight_name) {
    const float qmax = float(qmax_);
    if (w_.find(weight_name + "_input_range")) {
      const std::vector<float> r = w_.f32_sibling(weight_name, "_input_range", 2);
      float scale = 0, inv = 0;
      int32_t zero = 0;
      kernels::activation_params_ref(r[0], r[1], qmax_, &scale, &inv, &zero);
      return {quantize_fixed(x, g_.scalar_f32(inv), g_.scalar_f32(float(zero))),
              g_.scalar_f32(scale), g_.scalar_f32(float(zero))};
    }
    // activation_params_ref over each row's [min(0, min x), max(0, max x)].
    const std::vector<onnx::AttributeProto> last = {MakeAttribute("axes", std::vector<int64_t>{-1}),
                                                    MakeAttribute("keepdims", int64_t{1})};
    const std::string f0 = g_.scalar_f32(0.f), f1 = g_.scalar_f32(1.f);
    const std::string lo = g_.op("Min", {g_.op("ReduceMin", {x}, last), f0});
    const std::string hi = g_.op("Max", {g_.op("ReduceMax", {x}, last), f0});
    const std::string range = g_.op("Sub", {hi, lo});
    const std::string positive = g_.op("Greater", {range, f0});
    const std::string q = g_.scalar_f32(qmax);
    const std::string scale = g_.op("Where", {positive, g_.op("Div", {range, q}), f1});
    const std::string inv = g_.op("Where", {positive, g_.op("Div", {q, range}), f1});
    const std::string zero =
        g_.op("Clip", {g_.op("Round", {g_.op("Mul", {g_.op("Neg", {lo}), inv})}), f0, q});
    return {quantize_fixed(x, inv, zero), scale, zero};
  }
  // xq = clamp(round(clamp(x · inv, ±kActClamp)) + zero, 0, qmax) as UINT8.
  std::string quantize_fixed(const std::string& x, const std::string& inv,
                             const std::string& zero) {
    const std::string t = g_.op("Clip", {g_.op("Mul", {x, inv}), g_.scalar_f32(-kernels::kActClamp),
                                         g_.scalar_f32(kernels::kActClamp)});
    const std::string v = g_.op("Add", {g_.op("Round", {t}), zero});
    const std::string c = g_.op("Clip", {v, g_.scalar_f32(0.f), g_.scalar_f32(float(qmax_))});
    return g_.op("Cast", {c}, {MakeAttribute("to", int64_t{onnx::TensorProto::UINT8})});
  }

  // The engine's INT8 Linear: acc = xq · Wqᵀ (int32, MatMulInteger), then
  // y = s_x · s_w · (acc − zero · colsum) + b. With activations in [0, 255] the weights are
  // written as u8 Wq + 128 with weight zero point 128: ONNX Runtime's u8 x s8 kernel saturates
  // like oneDNN's on CPUs without VNNI (measured: 1048544 for 2072640), its u8 x u8 one is exact
  // on every CPU, so the file gives one answer everywhere, as the folder does.
  std::string linear_int8(const QuantizedInput& in, BertTensor weight, BertTensor bias, int layer) {
    const io::TensorView& v = w_.get(weight, layer);
    const int64_t N = v.shape[0], K = v.shape[1];
    const auto* q = static_cast<const int8_t*>(v.data);
    std::vector<int32_t> colsum(size_t(N), 0);
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t k = 0; k < K; ++k) colsum[size_t(n)] += q[n * K + k];
    }
    std::string acc;
    if (qmax_ <= kernels::kActQMaxReduced) {
      acc = g_.op("MatMulInteger", {in.xq, g_.weight_transposed(v.name, q, N, K)});
    } else {
      std::vector<uint8_t> wu(size_t(N * K));
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k) wu[size_t(k * N + n)] = uint8_t(int(q[n * K + k]) + 128);
      const uint8_t zero_a = 0, zero_b = 128;
      const std::string wt = g_.tensor(v.name + "_t", onnx::TensorProto::UINT8, {K, N}, wu.data());
      acc = g_.op("MatMulInteger",
                  {in.xq, wt, g_.tensor(v.name + "_x_zero", onnx::TensorProto::UINT8, {}, &zero_a),
                   g_.tensor(v.name + "_t_zero", onnx::TensorProto::UINT8, {}, &zero_b)});
    }
    const std::string zero =
        g_.op("Cast", {in.zero}, {MakeAttribute("to", int64_t{onnx::TensorProto::INT32})});
    const std::string sums =
        g_.tensor(v.name + "_colsum", onnx::TensorProto::INT32, {N}, colsum.data());
    const std::string a = g_.op("Cast", {g_.op("Sub", {acc, g_.op("Mul", {zero, sums})})},
                                {MakeAttribute("to", int64_t{onnx::TensorProto::FLOAT})});
    const std::vector<float> ws = w_.f32_sibling(v.name, "_scale", N);
    const std::string scaled =
        g_.op("Mul", {g_.op("Mul", {a, in.scale}), g_.weight(v.name + "_scale", {N}, ws.data())});
    return g_.op("Add", {scaled, param(bias, layer)});
  }

  // One Linear as the engine runs it: INT8 when its weight is I8, else F32.
  std::string any_linear(const std::string& x, BertTensor weight, BertTensor bias, int layer) {
    if (!is_i8(weight, layer)) return linear(x, weight, bias, layer);
    return linear_int8(quantize(x, io::tensor_name(weight, layer)), weight, bias, layer);
  }

  std::string layer_norm(const std::string& x, BertTensor weight, BertTensor bias, int layer) {
    return g_.op("LayerNormalization", {x, param(weight, layer), param(bias, layer)},
                 {MakeAttribute("axis", int64_t{-1}), MakeAttribute("epsilon", c_.layer_norm_eps)});
  }

  // F32 rows of an embedding table: I8 tables (per-row scales) dequantized, q · scale[row].
  // `select` picks rows: Gather by ids, or Slice of the first `sequence` rows.
  template <typename Select>
  std::string table_rows(BertTensor t, Select select) {
    const io::TensorView& v = w_.get(t);
    if (v.dtype != io::DType::I8) return select(param(t));
    const std::string q = g_.tensor(v.name, onnx::TensorProto::INT8, v.shape, v.data);
    const std::vector<float> s = w_.f32_sibling(v.name, "_scale", v.shape[0]);
    const std::string scale = g_.weight(v.name + "_scale", {v.shape[0]}, s.data());
    const std::string rows =
        g_.op("Cast", {select(q)}, {MakeAttribute("to", int64_t{onnx::TensorProto::FLOAT})});
    return g_.op("Mul", {rows, g_.op("Unsqueeze", {select(scale), g_.constant_i64({-1})})});
  }

  std::string embeddings(const std::string& ids, const std::string& types) {
    g_.set_scope("bert.embeddings");
    // Positions 0 .. sequence-1 (padding sits at the end, so each sequence starts at 0).
    const std::string length = g_.op(
        "Shape", {ids}, {MakeAttribute("start", int64_t{1}), MakeAttribute("end", int64_t{2})});
    // RoBERTa / XLM-R: rows from pad_token_id + 1 (architecture.h).
    const int64_t first = c_.position_offset();
    const std::string zero = g_.constant_i64({0}), start = g_.constant_i64({first});
    const std::string end = first == 0 ? length : g_.op("Add", {length, start});
    const std::string pos = table_rows(BertTensor::POSITION_EMBEDDINGS, [&](const std::string& t) {
      return g_.op("Slice", {t, start, end, zero});
    });
    const std::string word = table_rows(BertTensor::WORD_EMBEDDINGS, [&](const std::string& t) {
      return g_.op("Gather", {t, ids});
    });
    // HF order: (word + token type) + position; no token types: word + position.
    std::string sum;
    if (types.empty()) {
      sum = g_.op("Add", {word, pos});
    } else {
      const std::string type = g_.op("Gather", {param(BertTensor::TOKEN_TYPE_EMBEDDINGS), types});
      sum = g_.op("Add", {g_.op("Add", {word, type}), pos});
    }
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

  // Q, K and V as the engine's fused Q|K|V Linear: INT8 (one quantization of x, the range of
  // Q's weight) when all three weights are I8, else F32.
  std::vector<std::string> qkv(const std::string& x, int l) {
    const BertTensor ws[] = {BertTensor::Q_WEIGHT, BertTensor::K_WEIGHT, BertTensor::V_WEIGHT};
    const BertTensor bs[] = {BertTensor::Q_BIAS, BertTensor::K_BIAS, BertTensor::V_BIAS};
    const bool int8 = is_i8(ws[0], l) && is_i8(ws[1], l) && is_i8(ws[2], l);
    std::optional<QuantizedInput> in;
    if (int8) in = quantize(x, io::tensor_name(ws[0], l));
    std::vector<std::string> out;
    for (int i = 0; i < 3; ++i) {
      out.push_back(int8 ? linear_int8(*in, ws[i], bs[i], l) : linear(x, ws[i], bs[i], l));
    }
    return out;
  }

  std::string self_attention(const std::string& x, const std::string& bias, int l) {
    g_.set_scope(cat("bert.encoder.layer.", l, ".attention"));
    const std::vector<std::string> p = qkv(x, l);
    const std::string q = split_heads(p[0], {0, 2, 1, 3});
    const std::string k = split_heads(p[1], {0, 2, 3, 1});
    const std::string v = split_heads(p[2], {0, 2, 1, 3});
    const std::string scores =
        g_.op("Div", {g_.op("MatMul", {q, k}), g_.scalar_f32(std::sqrt(float(c_.head_size())))});
    const std::string probs =
        g_.op("Softmax", {g_.op("Add", {scores, bias})}, {MakeAttribute("axis", int64_t{-1})});
    const std::string ctx = g_.op("Transpose", {g_.op("MatMul", {probs, v})},
                                  {MakeAttribute("perm", std::vector<int64_t>{0, 2, 1, 3})});
    const std::string merged = g_.op("Reshape", {ctx, g_.constant_i64({0, 0, c_.hidden_size})});
    const std::string out =
        any_linear(merged, BertTensor::ATTN_OUT_WEIGHT, BertTensor::ATTN_OUT_BIAS, l);
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
    const std::string h =
        gelu(any_linear(a, BertTensor::FFN_IN_WEIGHT, BertTensor::FFN_IN_BIAS, l));
    const std::string out = any_linear(h, BertTensor::FFN_OUT_WEIGHT, BertTensor::FFN_OUT_BIAS, l);
    return layer_norm(g_.op("Add", {out, a}), BertTensor::FFN_LN_WEIGHT, BertTensor::FFN_LN_BIAS,
                      l);
  }

  void head(const std::string& x, const std::string& logits) {
    g_.set_scope("bert.pooler");
    const std::string cls =
        g_.op("Gather", {x, g_.scalar_i64(0)}, {MakeAttribute("axis", int64_t{1})});
    const bool tanh = io::arch_spec(c_.arch).head_activation == io::HeadActivation::TANH;
    const std::string pooled =
        g_.op(tanh ? "Tanh" : "Relu",
              {any_linear(cls, BertTensor::POOLER_WEIGHT, BertTensor::POOLER_BIAS, -1)});
    g_.set_scope("classifier");
    check(!is_i8(BertTensor::CLASSIFIER_WEIGHT), ErrorCode::UNSUPPORTED, w_.source(),
          ": tensor classifier.weight is I8: the engine runs the classifier in F32 only");
    linear(pooled, BertTensor::CLASSIFIER_WEIGHT, BertTensor::CLASSIFIER_BIAS, -1, logits);
  }

  const io::WeightStore& w_;
  const io::BertConfig& c_;
  GraphBuilder g_;
  int qmax_;  // the folder's activation range (io/quantization_config.h); 0 for FP32
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
  graph->set_name(io::arch_spec(folder.config.arch).class_name);
  BertGraph(folder, graph).build();
  return model;
}

}  // namespace bertq::exporter
