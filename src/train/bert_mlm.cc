// BertForMaskedLM (see bert_mlm.h): the encoder without pooler, the prediction-head transform
// and the decoder tied to the word embeddings, evaluated only at the chosen positions.
#include "train/bert_mlm.h"

#include "core/error.h"
#include "core/file_util.h"
#include "train/checkpoint.h"
#include "train/masking.h"

namespace bertq::train {

namespace nn = torch::nn;

BertPredictionHeadTransformImpl::BertPredictionHeadTransformImpl(const ModelConfig& c)
    : act_(c.hidden_act) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
  LayerNorm = register_module(
      "LayerNorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

torch::Tensor BertPredictionHeadTransformImpl::forward(const torch::Tensor& x) {
  auto h = dense(x);
  switch (act_) {
    case io::Activation::GELU_NEW:
      h = torch::gelu(h, "tanh");
      break;
    case io::Activation::RELU:
      h = torch::relu(h);
      break;
    case io::Activation::GELU:
      h = torch::gelu(h);
      break;
  }
  return LayerNorm(h);
}

BertLMPredictionHeadImpl::BertLMPredictionHeadImpl(const ModelConfig& c) {
  transform = register_module("transform", BertPredictionHeadTransform(c));
  bias = register_parameter("bias", torch::zeros({c.vocab_size}));
}

BertOnlyMLMHeadImpl::BertOnlyMLMHeadImpl(const ModelConfig& c) {
  predictions = register_module("predictions", BertLMPredictionHead(c));
}

BertForMaskedLMImpl::BertForMaskedLMImpl(const ModelConfig& c)
    : config_(c), p_(std::make_shared<DropoutProbs>()) {
  c.validate("model config");
  p_->hidden = c.hidden_dropout_prob;
  p_->attention = c.attention_probs_dropout_prob;
  p_->classifier = 0;
  bert = register_module("bert", BertModel(c, p_, /*add_pooling_layer=*/false));
  cls = register_module("cls", BertOnlyMLMHead(c));
}

torch::Tensor BertForMaskedLMImpl::head(const torch::Tensor& h) {
  auto& pred = *cls->predictions;
  // Tied decoder: the word-embedding matrix itself (same storage, same autograd leaf).
  return torch::nn::functional::linear(pred.transform(h), bert->embeddings->word_embeddings->weight,
                                       pred.bias);
}

MlmOutput BertForMaskedLMImpl::forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                                       const torch::Tensor& mask, const torch::Tensor& labels) {
  auto x = bert->sequence_output(ids, type_ids, mask);  // [B,T,H]
  const int64_t h = x.size(2);
  auto flat_labels = labels.reshape({-1});
  auto pos = (flat_labels != kIgnoreLabel).nonzero().reshape({-1});  // [N]
  MlmOutput out;
  out.chosen = pos.size(0);
  if (out.chosen == 0) {
    out.loss = x.sum() * 0.0;  // keeps the graph (backward is a no-op)
    return out;
  }
  auto gold = flat_labels.index_select(0, pos);
  out.logits = head(x.reshape({-1, h}).index_select(0, pos));  // [N,V]
  out.loss = torch::cross_entropy_loss(out.logits.to(torch::kFloat), gold);
  out.correct = out.logits.detach().argmax(1).eq(gold).sum().item<int64_t>();
  return out;
}

torch::Tensor BertForMaskedLMImpl::all_logits(const torch::Tensor& ids,
                                              const torch::Tensor& type_ids,
                                              const torch::Tensor& mask) {
  auto x = bert->sequence_output(ids, type_ids, mask);
  return head(x.reshape({-1, x.size(2)})).view({x.size(0), x.size(1), -1});
}

std::vector<std::string> load_mlm_weights(BertForMaskedLMImpl& m, const std::string& path) {
  return load_module_weights(m, path, [](const std::string& n) { return n.rfind("cls.", 0) == 0; });
}

void save_mlm_folder(const std::string& dir, BertForMaskedLMImpl& m,
                     const std::string& tokenizer_from) {
  write_dir_atomic(dir, [&](const std::string& tmp) {
    save_module_weights(m, tmp + "/model.safetensors");
    nlohmann::json j = m.config_.to_json();
    j["architectures"] = {"BertForMaskedLM"};
    write_file_atomic(tmp + "/config.json", j.dump(2) + "\n");
    for (const char* name :
         {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
      const std::string src = join_path(tokenizer_from, name);
      if (file_exists(src)) write_file_atomic(join_path(tmp, name), read_file(src));
    }
  });
}

}  // namespace bertq::train
