// Builds the immutable Model from a model folder: checks what the engine supports, fuses Q/K/V
// into one [3H, H] weight (rows 0..H-1 = Q, H..2H-1 = K, 2H..3H-1 = V) and prepacks every
// Linear once for oneDNN.
#include "engine/model.h"

#include <cstring>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "io/quantization_config.h"
#include "kernels/dispatch.h"
#include "kernels/onednn/int8_linear.h"

namespace bertq::engine {
namespace {

using io::BertTensor;
using io::DType;

kernels::GemmType gemm_type(Compute c) {
  return c == Compute::BF16 ? kernels::GemmType::BF16 : kernels::GemmType::F32;
}

EmbeddingTable embedding_table(const io::WeightStore& w, BertTensor t, bool* quantized) {
  EmbeddingTable e;
  const io::TensorView& v = w.get(t);
  if (v.dtype == DType::I8) {
    e.i8 = static_cast<const int8_t*>(v.data);
    e.scale = w.f32_sibling(v.name, "_scale", v.shape[0]);
    *quantized = true;
  } else {
    e.f32 = w.f32(t);
  }
  return e;
}

// One Linear from the stacked rows of `ws` (Q|K|V or a single weight) with their biases. All
// I8: an INT8 layer (static when the first weight has an "_input_range" sibling). Otherwise
// f32 / bf16, dequantizing any I8 part (a mixed Q/K/V after --keep-fp32).
LinearLayer make_linear(const io::WeightStore& w, std::vector<BertTensor> ws,
                        std::vector<BertTensor> bs, int layer, kernels::GemmType gt, bool fuse_bias,
                        int act_qmax, bool* quantized) {
  std::vector<const io::TensorView*> views;
  bool all_i8 = true;
  for (BertTensor t : ws) {
    views.push_back(&w.get(t, layer));
    all_i8 = all_i8 && views.back()->dtype == DType::I8;
  }
  const int64_t K = views[0]->shape[1];
  int64_t N = 0;
  for (auto* v : views) N += v->shape[0];
  std::vector<float> bias;
  for (BertTensor b : bs) {
    const float* p = w.f32(b, layer);
    const int64_t n = w.get(b, layer).numel();
    bias.insert(bias.end(), p, p + n);
  }
  if (all_i8) {
    *quantized = true;
    // One weight packs straight from the file's mapping; Q|K|V are stacked into one buffer first.
    std::vector<int8_t> stacked;
    std::vector<float> scale;
    if (views.size() > 1) stacked.reserve(size_t(N * K));
    for (auto* v : views) {
      const auto* p = static_cast<const int8_t*>(v->data);
      if (views.size() > 1) stacked.insert(stacked.end(), p, p + v->numel());
      const auto s = w.f32_sibling(v->name, "_scale", v->shape[0]);
      scale.insert(scale.end(), s.begin(), s.end());
    }
    const int8_t* q =
        views.size() > 1 ? stacked.data() : static_cast<const int8_t*>(views[0]->data);
    std::optional<StaticRange> range;
    if (w.find(views[0]->name + "_input_range")) {
      const auto r = w.f32_sibling(views[0]->name, "_input_range", 2);
      check(r[0] <= 0.f && r[1] >= 0.f, ErrorCode::CORRUPT_FILE, w.source(), ": tensor ",
            views[0]->name, "_input_range: expected lo <= 0 <= hi, got [", r[0], ", ", r[1], "]");
      range = StaticRange{r[0], r[1]};
    }
    check(act_qmax > 0, ErrorCode::CORRUPT_FILE, w.source(), ": tensor ", views[0]->name,
          " is I8 but config.json has no quantization_config (the activation range)");
    LinearLayer layer(kernels::Int8Linear(q, scale.data(), bias.data(), N, K), range, act_qmax);
    for (auto* v : views) w.release_pages(*v);  // packed into the layer: the file's copy goes
    return layer;
  }
  if (views.size() == 1 && views[0]->dtype == DType::F32) {
    return LinearLayer(kernels::PackedLinear(w.f32(ws[0], layer), bias.data(), N, K, gt, fuse_bias,
                                             /*borrow_weights=*/true));
  }
  std::vector<float> f(size_t(N * K));
  size_t off = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    const io::TensorView* v = views[i];
    const size_t n = size_t(v->numel());
    if (v->dtype == DType::I8) {
      w.dequantize_rows(*v, f.data() + off);
    } else {
      std::memcpy(f.data() + off, w.f32(ws[i], layer), n * sizeof(float));
    }
    off += n;
  }
  return LinearLayer(kernels::PackedLinear(f.data(), bias.data(), N, K, gt, fuse_bias));
}

}  // namespace

void EmbeddingTable::row(size_t i, float* out, size_t H) const {
  if (i8) {
    const int8_t* q = i8 + i * H;
    const float s = scale[i];
    for (size_t c = 0; c < H; ++c) out[c] = float(q[c]) * s;
  } else {
    std::memcpy(out, f32 + i * H, H * sizeof(float));
  }
}

std::shared_ptr<const Model> Model::load(const std::string& dir, const EngineOptions& options) {
  return from_folder(io::ModelFolder::load(dir), options);
}

std::shared_ptr<const Model> Model::from_folder(const io::ModelFolder& folder,
                                                const EngineOptions& options) {
  const io::BertConfig& c = folder.config;
  const std::string origin = folder.dir + "/config.json";
  check(c.hidden_act == io::Activation::GELU, ErrorCode::UNSUPPORTED, origin, ": hidden_act '",
        io::activation_name(c.hidden_act), "' is not supported by the engine (only exact 'gelu')");
  check(c.hidden_size % c.num_attention_heads == 0, ErrorCode::INVALID_ARGUMENT, origin,
        ": hidden_size ", c.hidden_size, " is not a multiple of num_attention_heads ",
        c.num_attention_heads);
  if (options.compute == Compute::BF16) {
    check(kernels::bf16_gemm_supported(), ErrorCode::UNSUPPORTED,
          "compute bf16: oneDNN has no bf16 matmul on this CPU (needs AVX-512, best with "
          "AVX512_BF16); use --compute fp32");
  }
  std::shared_ptr<Model> m(new Model());
  m->dir_ = folder.dir;
  m->config_ = c;
  m->options_ = options;
  m->kernels_ = options.isa ? &kernels::kernels_for(*options.isa) : &kernels::active_kernels();
  m->weights_ = folder.weights;
  const io::WeightStore& w = m->weights_;
  bool q = false;
  m->word_ = embedding_table(w, BertTensor::WORD_EMBEDDINGS, &q);
  m->position_ = embedding_table(w, BertTensor::POSITION_EMBEDDINGS, &q);
  if (io::arch_spec(c.arch).token_types) m->token_type_ = w.f32(BertTensor::TOKEN_TYPE_EMBEDDINGS);
  m->emb_ln_w_ = w.f32(BertTensor::EMB_LN_WEIGHT);
  m->emb_ln_b_ = w.f32(BertTensor::EMB_LN_BIAS);
  const auto gt = gemm_type(options.compute);
  const int qmax = io::activation_qmax(c, origin, &kernels::Int8Linear::legacy_activation_qmax);
  m->act_qmax_ = qmax;
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    m->layers_.push_back(LayerWeights{
        make_linear(w, {BertTensor::Q_WEIGHT, BertTensor::K_WEIGHT, BertTensor::V_WEIGHT},
                    {BertTensor::Q_BIAS, BertTensor::K_BIAS, BertTensor::V_BIAS}, l, gt,
                    /*fuse_bias=*/true, qmax, &q),
        make_linear(w, {BertTensor::ATTN_OUT_WEIGHT}, {BertTensor::ATTN_OUT_BIAS}, l, gt, false,
                    qmax, &q),
        w.f32(BertTensor::ATTN_LN_WEIGHT, l), w.f32(BertTensor::ATTN_LN_BIAS, l),
        make_linear(w, {BertTensor::FFN_IN_WEIGHT}, {BertTensor::FFN_IN_BIAS}, l, gt, false, qmax,
                    &q),
        make_linear(w, {BertTensor::FFN_OUT_WEIGHT}, {BertTensor::FFN_OUT_BIAS}, l, gt, false, qmax,
                    &q),
        w.f32(BertTensor::FFN_LN_WEIGHT, l), w.f32(BertTensor::FFN_LN_BIAS, l)});
  }
  // The pooler runs on B rows only: f32 even in BF16 mode (INT8 when quantized).
  m->pooler_ = std::make_unique<LinearLayer>(make_linear(w, {BertTensor::POOLER_WEIGHT},
                                                         {BertTensor::POOLER_BIAS}, -1,
                                                         kernels::GemmType::F32, false, qmax, &q));
  m->cls_w_ = w.f32(BertTensor::CLASSIFIER_WEIGHT);
  m->cls_b_ = w.f32(BertTensor::CLASSIFIER_BIAS);
  m->quantized_ = q;
  log_debug(cat("engine: loaded ", folder.dir, " (", c.num_hidden_layers, " layers, H ",
                c.hidden_size, ", compute ", compute_name(options.compute),
                q ? cat(", int8 layers, activations [0, ", qmax, "]") : std::string(), ")"));
  return m;
}

}  // namespace bertq::engine
