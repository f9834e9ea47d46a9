// The loaded model: an immutable BertForSequenceClassification ready for inference. Built once
// from a model folder (io::ModelFolder): Q, K and V are fused into one [3H, H] Linear, every
// Linear is prepacked for oneDNN (bf16 in Compute::BF16), embeddings and LayerNorm parameters
// point into the weight store (kept alive by the model). Shareable across threads: forward
// passes only read it (see bert_encoder.h).
//
//   auto model = bertq::engine::Model::load("models/imdb", {});
//   model->config().num_labels();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine_options.h"
#include "io/bert_config.h"
#include "io/model_folder.h"
#include "kernels/kernel_table.h"
#include "kernels/onednn/linear.h"

namespace bertq::engine {

struct LayerWeights {
  kernels::PackedLinear qkv;       // [3H, H], bias fused in the GEMM; output [T, 3H] = Q | K | V
  kernels::PackedLinear attn_out;  // [H, H]; bias applied in the residual LayerNorm kernel
  const float* attn_ln_weight;     // [H]
  const float* attn_ln_bias;       // [H]
  kernels::PackedLinear ffn_in;    // [I, H]; bias applied in the bias+GELU kernel
  kernels::PackedLinear ffn_out;   // [H, I]; bias applied in the residual LayerNorm kernel
  const float* ffn_ln_weight;      // [H]
  const float* ffn_ln_bias;        // [H]
};

class Model {
 public:
  // Reads DIR/config.json + DIR/model.safetensors (errors name the file and tensor).
  static std::shared_ptr<const Model> load(const std::string& dir, const EngineOptions& options);
  // From an already loaded folder (the weights are shared, not copied).
  static std::shared_ptr<const Model> from_folder(const io::ModelFolder& folder,
                                                  const EngineOptions& options);

  const io::BertConfig& config() const { return config_; }
  const EngineOptions& options() const { return options_; }
  const std::string& dir() const { return dir_; }
  // The fused elementwise kernels of the chosen ISA tier.
  const kernels::KernelTable& kernels() const { return *kernels_; }

  // Embeddings: word [V, H], position [P, H], token type [TV, H]; LayerNorm [H].
  const float* word_embeddings() const { return word_; }
  const float* position_embeddings() const { return position_; }
  const float* token_type_embeddings() const { return token_type_; }
  const float* emb_ln_weight() const { return emb_ln_w_; }
  const float* emb_ln_bias() const { return emb_ln_b_; }
  const std::vector<LayerWeights>& layers() const { return layers_; }
  // Pooler [H, H] (bias applied with tanh), classifier [NL, H] + [NL] (plain f32 loops).
  const kernels::PackedLinear& pooler() const { return *pooler_; }
  const float* classifier_weight() const { return cls_w_; }
  const float* classifier_bias() const { return cls_b_; }

 private:
  Model() = default;
  std::string dir_;
  io::BertConfig config_;
  EngineOptions options_;
  const kernels::KernelTable* kernels_ = nullptr;
  // Keeps the mapped / converted tensors alive; declared before the Linears, which borrow
  // their F32 weights from it (destroyed after them).
  io::WeightStore weights_;
  const float *word_ = nullptr, *position_ = nullptr, *token_type_ = nullptr;
  const float *emb_ln_w_ = nullptr, *emb_ln_b_ = nullptr;
  std::vector<LayerWeights> layers_;
  std::unique_ptr<kernels::PackedLinear> pooler_;
  const float *cls_w_ = nullptr, *cls_b_ = nullptr;
};

}  // namespace bertq::engine
