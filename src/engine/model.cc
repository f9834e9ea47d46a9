// Builds the immutable Model from a model folder: checks what the engine supports, fuses Q/K/V
// into one [3H, H] weight (rows 0..H-1 = Q, H..2H-1 = K, 2H..3H-1 = V) and prepacks every
// Linear once for oneDNN.
#include "engine/model.h"

#include <cstring>

#include "core/error.h"
#include "core/log.h"
#include "kernels/dispatch.h"

namespace bertq::engine {
namespace {

using io::BertTensor;

kernels::GemmType gemm_type(Compute c) {
  return c == Compute::BF16 ? kernels::GemmType::BF16 : kernels::GemmType::F32;
}

}  // namespace

std::shared_ptr<const Model> Model::load(const std::string& dir, const EngineOptions& options) {
  return from_folder(io::ModelFolder::load(dir), options);
}

std::shared_ptr<const Model> Model::from_folder(const io::ModelFolder& folder,
                                                const EngineOptions& options) {
  const io::BertConfig& c = folder.config;
  const std::string origin = folder.dir + "/config.json";
  check(c.hidden_act == io::Activation::GELU, ErrorCode::UNSUPPORTED,
        cat(origin, ": hidden_act '", io::activation_name(c.hidden_act),
            "' is not supported by the engine (only exact 'gelu')"));
  check(c.hidden_size % c.num_attention_heads == 0, ErrorCode::INVALID_ARGUMENT,
        cat(origin, ": hidden_size ", c.hidden_size, " is not a multiple of num_attention_heads ",
            c.num_attention_heads));
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
  m->word_ = w.f32(BertTensor::WORD_EMBEDDINGS);
  m->position_ = w.f32(BertTensor::POSITION_EMBEDDINGS);
  m->token_type_ = w.f32(BertTensor::TOKEN_TYPE_EMBEDDINGS);
  m->emb_ln_w_ = w.f32(BertTensor::EMB_LN_WEIGHT);
  m->emb_ln_b_ = w.f32(BertTensor::EMB_LN_BIAS);
  const int64_t H = c.hidden_size, I = c.intermediate_size;
  const auto gt = gemm_type(options.compute);
  std::vector<float> qkv_w(3 * H * H), qkv_b(3 * H);
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    const BertTensor ws[3] = {BertTensor::Q_WEIGHT, BertTensor::K_WEIGHT, BertTensor::V_WEIGHT};
    const BertTensor bs[3] = {BertTensor::Q_BIAS, BertTensor::K_BIAS, BertTensor::V_BIAS};
    for (int i = 0; i < 3; ++i) {
      std::memcpy(qkv_w.data() + i * H * H, w.f32(ws[i], l), H * H * sizeof(float));
      std::memcpy(qkv_b.data() + i * H, w.f32(bs[i], l), H * sizeof(float));
    }
    m->layers_.push_back(LayerWeights{
        kernels::PackedLinear(qkv_w.data(), qkv_b.data(), 3 * H, H, gt, /*fuse_bias=*/true),
        kernels::PackedLinear(w.f32(BertTensor::ATTN_OUT_WEIGHT, l),
                              w.f32(BertTensor::ATTN_OUT_BIAS, l), H, H, gt, false,
                              /*borrow_weights=*/true),
        w.f32(BertTensor::ATTN_LN_WEIGHT, l), w.f32(BertTensor::ATTN_LN_BIAS, l),
        kernels::PackedLinear(w.f32(BertTensor::FFN_IN_WEIGHT, l),
                              w.f32(BertTensor::FFN_IN_BIAS, l), I, H, gt, false,
                              /*borrow_weights=*/true),
        kernels::PackedLinear(w.f32(BertTensor::FFN_OUT_WEIGHT, l),
                              w.f32(BertTensor::FFN_OUT_BIAS, l), H, I, gt, false,
                              /*borrow_weights=*/true),
        w.f32(BertTensor::FFN_LN_WEIGHT, l), w.f32(BertTensor::FFN_LN_BIAS, l)});
  }
  // The pooler runs on B rows only: f32 even in BF16 mode.
  m->pooler_ = std::make_unique<kernels::PackedLinear>(
      w.f32(BertTensor::POOLER_WEIGHT), w.f32(BertTensor::POOLER_BIAS), H, H,
      kernels::GemmType::F32, false, /*borrow_weights=*/true);
  m->cls_w_ = w.f32(BertTensor::CLASSIFIER_WEIGHT);
  m->cls_b_ = w.f32(BertTensor::CLASSIFIER_BIAS);
  log_debug(cat("engine: loaded ", folder.dir, " (", c.num_hidden_layers, " layers, H ", H,
                ", compute ", compute_name(options.compute), ")"));
  return m;
}

}  // namespace bertq::engine
