// BertForSequenceClassification in libtorch (see bert_model.h for the math and names), plus
// HF-style initialisation and safetensors load / save of its parameters.
#include "train/bert_model.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/error.h"
#include "io/architecture.h"
#include "io/init_model.h"
#include "io/safetensors.h"

namespace bertq::train {

namespace nn = torch::nn;

namespace {

nn::LayerNorm make_ln(int64_t h, double eps) {
  return nn::LayerNorm(nn::LayerNormOptions({h}).eps(eps).elementwise_affine(true));
}

torch::Tensor apply_dropout(const torch::Tensor& x, double p, bool training) {
  return (training && p > 0) ? torch::dropout(x, p, true) : x;
}

}  // namespace

BertEmbeddingsImpl::BertEmbeddingsImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p)
    : p_(std::move(p)) {
  word_embeddings = register_module(
      "word_embeddings",
      nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden_size).padding_idx(c.pad_token_id)));
  position_embeddings = register_module("position_embeddings",
                                        nn::Embedding(c.max_position_embeddings, c.hidden_size));
  if (io::arch_spec(c.arch).token_types)
    token_type_embeddings =
        register_module("token_type_embeddings", nn::Embedding(c.type_vocab_size, c.hidden_size));
  first_position_ = c.position_offset();
  LayerNorm = register_module("LayerNorm", make_ln(c.hidden_size, c.layer_norm_eps));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& ids, const torch::Tensor& type_ids) {
  const int64_t t = ids.size(1);
  auto pos = torch::arange(first_position_, first_position_ + t, ids.options().dtype(torch::kLong));
  auto e = word_embeddings(ids) + position_embeddings(pos).unsqueeze(0);
  if (!token_type_embeddings.is_empty()) e = e + token_type_embeddings(type_ids);
  return apply_dropout(LayerNorm(e), p_->hidden, is_training());
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p)
    : heads_(c.num_attention_heads), p_(std::move(p)) {
  query = register_module("query", nn::Linear(c.hidden_size, c.hidden_size));
  key = register_module("key", nn::Linear(c.hidden_size, c.hidden_size));
  value = register_module("value", nn::Linear(c.hidden_size, c.hidden_size));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& x,
                                             const torch::Tensor& ext_mask) {
  const int64_t b = x.size(0), t = x.size(1), h = x.size(2), hs = h / heads_;
  auto split = [&](const torch::Tensor& y) { return y.view({b, t, heads_, hs}).transpose(1, 2); };
  auto q = split(query(x)), k = split(key(x)), v = split(value(x));  // [B,NH,T,HS]
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(hs));
  scores = scores + ext_mask.to(scores.scalar_type());
  auto probs = apply_dropout(torch::softmax(scores, -1), p_->attention, is_training());
  auto ctx = torch::matmul(probs, v);  // [B,NH,T,HS]
  return ctx.transpose(1, 2).reshape({b, t, h});
}

BertResidualOutputImpl::BertResidualOutputImpl(int64_t in, int64_t out, double eps,
                                               std::shared_ptr<DropoutProbs> p, bool attention)
    : p_(std::move(p)), attention_(attention) {
  dense = register_module("dense", nn::Linear(in, out));
  LayerNorm = register_module("LayerNorm", make_ln(out, eps));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& h,
                                              const torch::Tensor& residual) {
  const double drop = attention_ && !p_->attention_output ? 0.0 : p_->hidden;
  return LayerNorm(apply_dropout(dense(h), drop, is_training()) + residual);
}

BertAttentionImpl::BertAttentionImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p) {
  self = register_module("self", BertSelfAttention(c, p));
  output = register_module(
      "output", BertResidualOutput(c.hidden_size, c.hidden_size, c.layer_norm_eps, p, true));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& ext_mask) {
  return output(self(x, ext_mask), x);
}

BertIntermediateImpl::BertIntermediateImpl(const ModelConfig& c) : act_(c.hidden_act) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.intermediate_size));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& x) {
  auto h = dense(x);
  switch (act_) {
    case io::Activation::GELU_NEW:
      return torch::gelu(h, "tanh");  // HF "gelu_new"
    case io::Activation::RELU:
      return torch::relu(h);
    case io::Activation::GELU:
      break;
  }
  return torch::gelu(h);  // exact erf GELU, as HF "gelu"
}

BertLayerImpl::BertLayerImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p) {
  attention = register_module("attention", BertAttention(c, p));
  intermediate = register_module("intermediate", BertIntermediate(c));
  output = register_module(
      "output", BertResidualOutput(c.intermediate_size, c.hidden_size, c.layer_norm_eps, p));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& ext_mask) {
  auto a = attention(x, ext_mask);
  return output(intermediate(a), a);
}

BertEncoderImpl::BertEncoderImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p) {
  layer = register_module("layer", nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layer->push_back(BertLayer(c, p));
}

torch::Tensor BertEncoderImpl::forward(torch::Tensor x, const torch::Tensor& ext_mask) {
  for (const auto& l : *layer) x = l->as<BertLayerImpl>()->forward(x, ext_mask);
  return x;
}

BertPoolerImpl::BertPoolerImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p)
    : relu_(io::arch_spec(c.arch).head_activation == io::HeadActivation::RELU),
      input_dropout_(io::arch_spec(c.arch).head_input_dropout),
      p_(std::move(p)) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
}

torch::Tensor BertPoolerImpl::forward(const torch::Tensor& x) {
  torch::Tensor first = x.select(1, 0);
  if (input_dropout_) first = apply_dropout(first, p_->classifier, is_training());
  const torch::Tensor h = dense(first);
  return relu_ ? torch::relu(h) : torch::tanh(h);
}

BertModelImpl::BertModelImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p,
                             bool add_pooling_layer) {
  embeddings = register_module("embeddings", BertEmbeddings(c, p));
  encoder = register_module("encoder", BertEncoder(c, p));
  if (add_pooling_layer) pooler = register_module("pooler", BertPooler(c, p));
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                                     const torch::Tensor& mask) {
  check(!pooler.is_empty(), ErrorCode::INTERNAL,
        "BertModel built without a pooler: use sequence_output()");
  return pooler(sequence_output(ids, type_ids, mask));
}

torch::Tensor BertModelImpl::sequence_output(const torch::Tensor& ids,
                                             const torch::Tensor& type_ids,
                                             const torch::Tensor& mask) {
  auto x = embeddings(ids, type_ids);
  // Additive mask as in HF: 0 where attended, the dtype's lowest value at padding.
  const double lowest = x.scalar_type() == torch::kDouble
                            ? std::numeric_limits<double>::lowest()
                            : static_cast<double>(std::numeric_limits<float>::lowest());
  auto ext = (1.0 - mask.to(x.scalar_type())).mul(lowest).view({mask.size(0), 1, 1, mask.size(1)});
  return encoder(x, ext);
}

BertClassifierImpl::BertClassifierImpl(const ModelConfig& c)
    : config_(c), p_(std::make_shared<DropoutProbs>()) {
  c.validate("model config");
  p_->hidden = c.hidden_dropout_prob;
  p_->attention = c.attention_probs_dropout_prob;
  p_->classifier = c.classifier_dropout.value_or(c.hidden_dropout_prob);
  p_->attention_output = io::arch_spec(c.arch).attention_output_dropout;
  bert = register_module("bert", BertModel(c, p_));
  classifier = register_module("classifier", nn::Linear(c.hidden_size, c.num_labels()));
}

torch::Tensor BertClassifierImpl::forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                                          const torch::Tensor& mask) {
  auto pooled = bert(ids, type_ids, mask);
  return classifier(apply_dropout(pooled, p_->classifier, is_training()));
}

double initializer_range(const ModelConfig& c) {
  const auto it = c.extra.find("initializer_range");
  if (it == c.extra.end() || it->is_null()) return 0.02;
  check(it->is_number() && it->get<double>() > 0, ErrorCode::INVALID_ARGUMENT,
        "config.json: field initializer_range: expected a positive number, got ", it->dump());
  return it->get<double>();
}

bool is_no_decay(const std::string& name) {
  const auto ends = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".bias") || ends("LayerNorm.weight");
}

void init_weights(BertClassifierImpl& m, uint64_t seed) {
  init_bert_parameters(m, m.config_, seed);
}

void init_bert_parameters(torch::nn::Module& m, const ModelConfig& c, uint64_t seed) {
  // io::init_values, the one initialisation rule, drawing in io::all_tensor_names order first
  // (so a classifier starts from exactly what `bertq init --seed S` writes), then the tensors
  // only this module has (the masked-LM head) in module order.
  torch::NoGradGuard ng;
  io::NormalRng rng(seed);
  const float std = static_cast<float>(initializer_range(c));
  auto params = m.named_parameters();
  auto fill = [&](const std::string& name, torch::Tensor& t) {
    const std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
    std::vector<float> v = io::init_values(name, shape, c, rng, std);
    t.copy_(torch::from_blob(v.data(), t.sizes(), torch::kFloat).to(t.scalar_type()));
  };
  std::set<std::string> done;
  for (const auto& [name, shape] : io::all_tensor_names(c)) {
    if (torch::Tensor* t = params.find(name)) {
      fill(name, *t);
      done.insert(name);
    }
  }
  check(done.count("bert.embeddings.word_embeddings.weight") == 1, ErrorCode::INTERNAL,
        "init: no bert.embeddings.word_embeddings.weight");
  for (auto& p : params)
    if (!done.count(p.key())) fill(p.key(), p.value());
}

namespace {

torch::ScalarType st_to_torch(io::DType dtype, const std::string& where) {
  switch (dtype) {
    case io::DType::F32:
      return torch::kFloat;
    case io::DType::F64:
      return torch::kDouble;
    case io::DType::F16:
      return torch::kHalf;
    case io::DType::BF16:
      return torch::kBFloat16;
    default:
      break;
  }
  throw Error(ErrorCode::UNSUPPORTED,
              cat(where, ": dtype ", io::dtype_name(dtype), " is not a float type"));
}

}  // namespace

std::vector<std::string> load_weights(BertClassifierImpl& m, const std::string& path,
                                      bool redraw_classifier) {
  const auto is_classifier = [](const std::string& n) { return n.rfind("classifier.", 0) == 0; };
  return load_module_weights(
      m, path,
      [&](const std::string& n) { return is_classifier(n) || n.rfind("bert.pooler.", 0) == 0; },
      m.config_.arch,
      redraw_classifier ? is_classifier : std::function<bool(const std::string&)>{});
}

std::vector<std::string> load_module_weights(
    torch::nn::Module& m, const std::string& path,
    const std::function<bool(const std::string&)>& optional, io::Arch arch,
    const std::function<bool(const std::string&)>& skip) {
  io::SafeTensorsFile f(path);
  // Another architecture's names: canonical (BERT) name -> the file's name.
  std::map<std::string, std::string> named;
  if (arch != io::Arch::BERT)
    for (const io::TensorView& t : f.tensors())
      if (const std::string c = io::canonical_name(arch, t.name); !c.empty()) named[c] = t.name;
  auto has = [&](const std::string& n) { return f.find(n) != nullptr; };
  torch::NoGradGuard ng;
  std::vector<std::string> missing;
  for (auto& p : m.named_parameters()) {
    const std::string& n = p.key();
    if (skip && skip(n)) {
      missing.push_back(n);
      continue;
    }
    std::string key = n;
    if (arch != io::Arch::BERT) {
      const auto it = named.find(n);
      key = it == named.end() ? io::checkpoint_name(arch, n) : it->second;
    }
    if (!has(key) && n.rfind("bert.", 0) == 0 && has(n.substr(5))) key = n.substr(5);
    if (!has(key)) {
      check(optional && optional(n), ErrorCode::CORRUPT_FILE, path, ": missing tensor ", n);
      missing.push_back(n);
      continue;
    }
    const io::TensorView& t = f.get(key);
    const std::string where = cat(path, ": tensor ", key);
    std::vector<int64_t> want = p.value().sizes().vec();
    check(t.shape == want, ErrorCode::CORRUPT_FILE, where, ": expected shape ",
          torch::IntArrayRef(want), ", got ", torch::IntArrayRef(t.shape));
    auto src = torch::from_blob(const_cast<void*>(t.data), t.shape,
                                torch::TensorOptions().dtype(st_to_torch(t.dtype, where)));
    p.value().copy_(src);
  }
  return missing;
}

void save_weights(BertClassifierImpl& m, const std::string& path) {
  save_module_weights(m, path, m.config_.arch);
}

void save_module_weights(torch::nn::Module& m, const std::string& path, io::Arch arch) {
  io::SafeTensorsWriter w;
  w.set_metadata("format", "pt");
  std::vector<torch::Tensor> keep;  // the writer borrows the bytes until write()
  for (const auto& p : m.named_parameters()) {
    keep.push_back(p.value().detach().to(torch::kCPU, torch::kFloat).contiguous());
    const auto& t = keep.back();
    w.add(io::checkpoint_name(arch, p.key()), io::DType::F32, t.sizes().vec(), t.data_ptr<float>(),
          t.numel() * sizeof(float));
  }
  w.write(path);
}

}  // namespace bertq::train
