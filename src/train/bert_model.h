// Hugging Face BertForSequenceClassification in libtorch, with the same parameter names, so
// named_parameters() keys are exactly the HF safetensors names ("bert.embeddings.word_embeddings
// .weight", "bert.encoder.layer.3.attention.self.query.weight", "classifier.bias", ...).
// Internal header: only the trainer's torch translation units and tests/train include it.
//
// Math (post-LayerNorm BERT, weights [out, in], y = x·Wᵀ + b), shapes B batch, T tokens,
// H hidden, NH heads, HS = H / NH, I intermediate, L labels:
//   e   = LN(word[ids] + pos[0..T) + type[type_ids])                        [B,T,H]
//   per layer: q,k,v = x·Wqᵀ+bq, ...  → [B,NH,T,HS]
//              a = softmax(q·kᵀ/√HS + (1-mask)·lowest) · v  → [B,T,H]
//              x = LN(x + a·Woᵀ + bo);  x = LN(x + gelu_erf(x·W1ᵀ+b1)·W2ᵀ + b2)
//   pooled = tanh(x[:,0]·Wpᵀ + bp)  [B,H];  logits = pooled·Wcᵀ + bc  [B,L]
// Dropout (hidden, attention probabilities, classifier) is active only in train() mode.
//
//   train::BertClassifier m(cfg);
//   train::load_weights(*m, "model/model.safetensors");
//   auto logits = m->forward(ids, type_ids, mask);  // int64 [B,T] each
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/bert_config.h"

namespace bertq::train {

// The model hyper-parameters: Hugging Face config.json as read by src/io.
using ModelConfig = io::BertConfig;

// config.json's initializer_range (kept in BertConfig::extra), 0.02 when absent.
double initializer_range(const ModelConfig& c);

struct DropoutProbs {
  double hidden = 0.1, attention = 0.1, classifier = 0.1;
  // After the attention output Linear: `hidden`, or none where the architecture has none
  // (io::ArchSpec::attention_output_dropout: DistilBERT).
  bool attention_output = true;
};

struct BertEmbeddingsImpl : torch::nn::Module {
  BertEmbeddingsImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& type_ids);
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr},
      token_type_embeddings{nullptr};  // token types: null for DistilBERT
  torch::nn::LayerNorm LayerNorm{nullptr};
  std::shared_ptr<DropoutProbs> p_;
  int64_t first_position_ = 0;  // RoBERTa: pad_token_id + 1 (io::BertConfig::position_offset)
};
TORCH_MODULE(BertEmbeddings);

struct BertSelfAttentionImpl : torch::nn::Module {
  BertSelfAttentionImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  // x [B,T,H], ext_mask additive [B,1,1,T] -> [B,T,H]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ext_mask);
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
  int64_t heads_;
  std::shared_ptr<DropoutProbs> p_;
};
TORCH_MODULE(BertSelfAttention);

// "attention.output" and "output": dense, dropout, residual, LayerNorm.
struct BertResidualOutputImpl : torch::nn::Module {
  // attention: the attention output (dropout only when DropoutProbs::attention_output).
  BertResidualOutputImpl(int64_t in, int64_t out, double eps, std::shared_ptr<DropoutProbs> p,
                         bool attention = false);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& residual);
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  std::shared_ptr<DropoutProbs> p_;
  bool attention_ = false;
};
TORCH_MODULE(BertResidualOutput);

struct BertAttentionImpl : torch::nn::Module {
  BertAttentionImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ext_mask);
  BertSelfAttention self{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

struct BertIntermediateImpl : torch::nn::Module {
  explicit BertIntermediateImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x);  // act(x·W1ᵀ + b1): gelu (erf), gelu_new, relu
  torch::nn::Linear dense{nullptr};
  io::Activation act_;
};
TORCH_MODULE(BertIntermediate);

struct BertLayerImpl : torch::nn::Module {
  BertLayerImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ext_mask);
  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

struct BertEncoderImpl : torch::nn::Module {
  BertEncoderImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& ext_mask);
  torch::nn::ModuleList layer{nullptr};
};
TORCH_MODULE(BertEncoder);

struct BertPoolerImpl : torch::nn::Module {
  BertPoolerImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p);
  torch::Tensor forward(const torch::Tensor& x);  // [B,T,H] -> [B,H]
  torch::nn::Linear dense{nullptr};
  bool relu_ = false;  // DistilBERT's pre_classifier + ReLU; BERT's pooler: tanh
  // RoBERTa's head drops its input (the first token) too (io::ArchSpec::head_input_dropout).
  bool input_dropout_ = false;
  std::shared_ptr<DropoutProbs> p_;
};
TORCH_MODULE(BertPooler);

struct BertModelImpl : torch::nn::Module {
  // add_pooling_layer false: no bert.pooler.* parameters (HF BertForMaskedLM); forward() then
  // throws and only sequence_output() is available.
  BertModelImpl(const ModelConfig& c, std::shared_ptr<DropoutProbs> p,
                bool add_pooling_layer = true);
  // -> pooled [B,H]
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                        const torch::Tensor& mask);
  // -> the last layer's hidden states [B,T,H]
  torch::Tensor sequence_output(const torch::Tensor& ids, const torch::Tensor& type_ids,
                                const torch::Tensor& mask);
  BertEmbeddings embeddings{nullptr};
  BertEncoder encoder{nullptr};
  BertPooler pooler{nullptr};
};
TORCH_MODULE(BertModel);

struct BertClassifierImpl : torch::nn::Module {
  explicit BertClassifierImpl(const ModelConfig& c);
  // ids, type_ids, mask: int64 [B,T] (mask 1 = token, 0 = padding) -> logits [B,L]
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& type_ids,
                        const torch::Tensor& mask);
  // Overrides the config's dropout probabilities (0 turns dropout off even in train mode).
  void set_dropout(const DropoutProbs& p) { *p_ = p; }
  const DropoutProbs& dropout() const { return *p_; }

  ModelConfig config_;
  std::shared_ptr<DropoutProbs> p_;
  BertModel bert{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(BertClassifier);

// HF initialisation: Linear / Embedding weights ~ N(0, initializer_range), biases 0, the
// padding row of word_embeddings 0, LayerNorm weight 1 and bias 0. Deterministic in `seed`.
void init_weights(BertClassifierImpl& m, uint64_t seed);
// The same rule for any module holding a BERT (parameters in named_parameters() order; every
// parameter ending in ".bias" is 0, so BertForMaskedLM's cls.predictions.bias is 0 as in HF).
void init_bert_parameters(torch::nn::Module& m, const ModelConfig& c, uint64_t seed);

// Copies every parameter from a safetensors file (F32 / F16 / BF16 / F64). Names may carry the
// "bert." prefix or not; cls.* and position_ids are ignored. A missing pooler or classifier
// keeps its current (initialised) value and is reported in the returned list; any other missing
// tensor or a shape mismatch throws CORRUPT_FILE naming the file and the tensor. With
// `redraw_classifier` the file's classifier is not read (a head for other labels: it keeps its
// initialised value and is listed as missing).
std::vector<std::string> load_weights(BertClassifierImpl& m, const std::string& path,
                                      bool redraw_classifier = false);
// The same for any module: a parameter for which optional(name) is true may be missing (it is
// then listed in the result); tensors of the file the module does not have are ignored.
// `arch`: the file's tensor names are that architecture's (io::canonical_name maps them).
// A parameter for which skip(name) is true is not read at all (and listed as missing).
std::vector<std::string> load_module_weights(
    torch::nn::Module& m, const std::string& path,
    const std::function<bool(const std::string&)>& optional, io::Arch arch = io::Arch::BERT,
    const std::function<bool(const std::string&)>& skip = {});

// Writes every parameter as F32 (atomic).
void save_weights(BertClassifierImpl& m, const std::string& path);
// `arch`: written under that architecture's tensor names (io::checkpoint_name).
void save_module_weights(torch::nn::Module& m, const std::string& path,
                         io::Arch arch = io::Arch::BERT);

// AdamW weight-decay rule: no decay on biases and LayerNorm weights.
bool is_no_decay(const std::string& param_name);

}  // namespace bertq::train
