// The loaded model: an immutable BertForSequenceClassification ready for inference. Built once
// from a model folder (io::ModelFolder): Q, K and V are fused into one [3H, H] Linear, every
// Linear is prepacked for oneDNN (bf16 in Compute::BF16), embeddings and LayerNorm parameters
// point into the weight store (kept alive by the model). Shareable across threads: forward
// passes only read it (see bert_encoder.h).
// Quantized folders (`bertq quantize`): a Linear whose weight is I8 (+ F32 "<name>_scale")
// runs in INT8 (linear_layer.h); kept-FP32 ones stay f32; I8 word / position embedding tables
// (per-row scales) are dequantized on lookup. Q/K/V are fused in INT8 when all three are I8.
//
//   auto model = bertq::engine::Model::load("models/imdb", {});
//   model->config().num_labels();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine_options.h"
#include "engine/linear_layer.h"
#include "io/bert_config.h"
#include "io/model_folder.h"
#include "kernels/kernel_table.h"
#include "kernels/onednn/linear.h"

namespace bertq::engine {

struct LayerWeights {
  LinearLayer qkv;              // [3H, H], bias fused; output [T, 3H] = Q | K | V
  LinearLayer attn_out;         // [H, H]; FP32: bias applied in the residual LayerNorm kernel
  const float* attn_ln_weight;  // [H]
  const float* attn_ln_bias;    // [H]
  LinearLayer ffn_in;           // [I, H]; bias + GELU after the GEMM
  LinearLayer ffn_out;          // [H, I]; FP32: bias applied in the residual LayerNorm kernel
  const float* ffn_ln_weight;   // [H]
  const float* ffn_ln_bias;     // [H]
};

// An embedding table [rows, H]: f32, or int8 with one scale per row.
struct EmbeddingTable {
  const float* f32 = nullptr;
  const int8_t* i8 = nullptr;
  std::vector<float> scale;  // [rows] when i8
  // out[0:H] = row i (dequantized: q * scale[i]).
  void row(size_t i, float* out, size_t H) const;
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
  const EmbeddingTable& word_table() const { return word_; }
  const EmbeddingTable& position_table() const { return position_; }
  // Null for an architecture without token types (DistilBERT): type ids must then be 0.
  const float* token_type_embeddings() const { return token_type_; }
  const float* emb_ln_weight() const { return emb_ln_w_; }
  const float* emb_ln_bias() const { return emb_ln_b_; }
  const std::vector<LayerWeights>& layers() const { return layers_; }
  // Pooler [H, H] (bias applied with tanh), classifier [NL, H] + [NL] (plain f32 loops).
  const LinearLayer& pooler() const { return *pooler_; }
  // Whether any Linear or embedding table is INT8.
  bool quantized() const { return quantized_; }
  // The INT8 layers' activation range (the folder's, io/quantization_config.h); 0 for FP32.
  int activation_qmax() const { return act_qmax_; }
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
  EmbeddingTable word_, position_;
  const float* token_type_ = nullptr;
  bool quantized_ = false;
  int act_qmax_ = 0;
  const float *emb_ln_w_ = nullptr, *emb_ln_b_ = nullptr;
  std::vector<LayerWeights> layers_;
  std::unique_ptr<LinearLayer> pooler_;
  const float *cls_w_ = nullptr, *cls_b_ = nullptr;
};

}  // namespace bertq::engine
