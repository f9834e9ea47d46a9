// Hugging Face BertForMaskedLM in libtorch, with HF's parameter names (internal header,
// includes libtorch):
//   bert.embeddings.* / bert.encoder.*            the encoder of bert_model.h (no pooler, as
//                                                  HF builds BertForMaskedLM without one)
//   cls.predictions.transform.dense.{weight,bias}      [H,H], [H]
//   cls.predictions.transform.LayerNorm.{weight,bias}  [H]
//   cls.predictions.bias                               [V]
// The decoder is tied: its weight IS bert.embeddings.word_embeddings.weight (one tensor, one
// gradient, saved once; HF's save_pretrained also drops cls.predictions.decoder.weight /
// .decoder.bias as tied copies and re-ties them on load).
//
// Math, with x [B,T,H] the encoder output and P the N chosen positions (labels != -100):
//   h = LN(act(x[P]·Wtᵀ + bt))   [N,H]  act = config hidden_act (HF transform_act_fn)
//   logits = h·Eᵀ + b              [N,V]  E = word_embeddings [V,H], b = cls.predictions.bias
//   loss = mean over P of cross_entropy(logits, labels[P])
// Only the chosen positions go through the head: the loss equals HF's (which computes logits
// at every position and ignores label -100) at a fraction of the cost.
//
//   train::BertForMaskedLM m(cfg);
//   train::init_bert_parameters(*m, cfg, seed);
//   train::MlmOutput out = m->forward(ids, types, mask, labels);   // out.loss.backward()
#pragma once

#include <torch/torch.h>

#include "train/bert_model.h"

namespace bertq::train {

struct BertPredictionHeadTransformImpl : torch::nn::Module {
  explicit BertPredictionHeadTransformImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x);  // [N,H] -> [N,H]
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  io::Activation act_;
};
TORCH_MODULE(BertPredictionHeadTransform);

// "cls.predictions": transform + the tied decoder's bias.
struct BertLMPredictionHeadImpl : torch::nn::Module {
  explicit BertLMPredictionHeadImpl(const ModelConfig& c);
  BertPredictionHeadTransform transform{nullptr};
  torch::Tensor bias;  // [V]
};
TORCH_MODULE(BertLMPredictionHead);

struct BertOnlyMLMHeadImpl : torch::nn::Module {
  explicit BertOnlyMLMHeadImpl(const ModelConfig& c);
  BertLMPredictionHead predictions{nullptr};
};
TORCH_MODULE(BertOnlyMLMHead);

struct MlmOutput {
  torch::Tensor loss;    // scalar, mean over chosen positions (0 when none)
  torch::Tensor logits;  // [N,V] at the chosen positions (row-major order)
  int64_t chosen = 0;    // N
  int64_t correct = 0;   // argmax == label among the chosen
};

struct BertForMaskedLMImpl : torch::nn::Module {
  explicit BertForMaskedLMImpl(const ModelConfig& c);
  // ids, type_ids, mask, labels: int64 [B,T]; labels -100 where not chosen.
  MlmOutput forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                    const torch::Tensor& mask, const torch::Tensor& labels);
  // Vocabulary logits at every position [B,T,V] (for tests and inspection; slow).
  torch::Tensor all_logits(const torch::Tensor& ids, const torch::Tensor& type_ids,
                           const torch::Tensor& mask);
  void set_dropout(const DropoutProbs& p) { *p_ = p; }

  ModelConfig config_;
  std::shared_ptr<DropoutProbs> p_;
  BertModel bert{nullptr};
  BertOnlyMLMHead cls{nullptr};

 private:
  torch::Tensor head(const torch::Tensor& h);  // [N,H] -> [N,V]
};
TORCH_MODULE(BertForMaskedLM);

// cls.* may be absent from a file (a classifier or an encoder-only checkpoint): those keep
// their initialised values and are listed; bert.* must all be there. The pooler and the
// classifier of a classifier file, and cls.predictions.decoder.*, are ignored.
std::vector<std::string> load_mlm_weights(BertForMaskedLMImpl& m, const std::string& path);

// A Hugging Face BertForMaskedLM folder, written atomically: model.safetensors (bert.* and
// cls.*, F32), config.json (architectures ["BertForMaskedLM"], the labels of the source
// config kept so `bertq train` finds them) and the tokenizer files of `tokenizer_from`.
void save_mlm_folder(const std::string& dir, BertForMaskedLMImpl& m,
                     const std::string& tokenizer_from);

}  // namespace bertq::train
