// The architectures bertq runs, each a description the loader, engine, quantizer and writer read
// (not a copy of the engine per model). Internally every model uses BERT's canonical tensor
// names (bert_tensors.h) and BertConfig's field names; an architecture says how its own files
// name them, whether it has token-type embeddings, which activation follows the head's first
// Linear and where its positions start:
// - BERT (model_type bert, BertForSequenceClassification): pooler dense + tanh, positions 0..L-1.
// - DISTILBERT (distilbert, DistilBertForSequenceClassification): pre_classifier + ReLU, no
//   token-type table, LayerNorm eps 1e-12, config keys dim / n_layers / n_heads / hidden_dim /
//   activation / dropout / attention_dropout / seq_classif_dropout.
// - ROBERTA (roberta, RobertaForSequenceClassification) and XLM_ROBERTA (xlm-roberta,
//   XLMRobertaForSequenceClassification): BERT-shaped (one token type, layer_norm_eps from
//   config.json), head classifier.dense + tanh then classifier.out_proj; position ids start
//   after padding_idx (pad_token_id): a packed sequence's token p uses position row
//   pad_token_id + 1 + p, as transformers counts positions over non-pad tokens (514 rows give
//   512 usable positions).
// Each runs its last Linear (classifier / classifier.out_proj) on the first token's head output.
//
//   const ArchSpec& a = arch_spec(config.arch);
//   canonical_name(Arch::DISTILBERT, "distilbert.transformer.layer.0.ffn.lin1.weight")
//       == "bert.encoder.layer.0.intermediate.dense.weight"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::io {

enum class Arch { BERT, DISTILBERT, ROBERTA, XLM_ROBERTA };
enum class HeadActivation { TANH, RELU };

struct ArchSpec {
  Arch arch;
  const char* model_type;  // config.json "model_type"
  const char* class_name;  // config.json "architectures"[0]
  bool token_types;        // token-type embeddings (type_vocab_size) exist
  HeadActivation head_activation;
  bool positions_after_padding;  // position rows start at pad_token_id + 1 (RoBERTa)
  // Dropout after the attention output Linear (training): BERT's BertSelfOutput has it,
  // DistilBERT's MultiHeadSelfAttention only drops attention weights.
  bool attention_output_dropout;
  // Dropout on the first token before the head's first Linear (training): RoBERTa's
  // RobertaClassificationHead drops there and after its tanh; BERT and DistilBERT only after.
  bool head_input_dropout;
  // The classifier dropout its config class defaults to when the key is absent or null
  // (DistilBERT's seq_classif_dropout 0.2; transformers cannot read null there); < 0: none.
  float default_classifier_dropout;
  // BertConfig field -> this architecture's config.json key (only those that differ).
  std::vector<std::pair<const char*, const char*>> config_keys;
  // BertConfig fields this architecture's config.json does not have (fixed values instead; a
  // key of that name in its file is kept as an unknown field).
  std::vector<const char*> absent_config_keys;
};

const ArchSpec& arch_spec(Arch a);
// By config.json's model_type; unset for a model type bertq does not run.
std::optional<Arch> arch_from_model_type(std::string_view model_type);
// "bert", "distilbert" (for messages).
std::string supported_model_types();

// The config.json key of BertConfig field `field` in this architecture.
const char* config_key(Arch a, const char* field);
// Whether this architecture's config.json has field `field` (not in absent_config_keys).
bool has_config_key(Arch a, const char* field);

// A checkpoint tensor name -> the canonical (BERT) name the WeightStore keeps; "" when the
// tensor is dropped (pre-training heads "cls.*" / "lm_head.*" / "vocab_*", position_ids
// buffers). Base-model checkpoints without the model prefix ("encoder.layer.0...",
// "transformer.layer.0...") get it; BERT's old "LayerNorm.gamma/beta" become weight / bias.
std::string canonical_name(Arch a, const std::string& name);
// The inverse for writing: a canonical name (and its "_scale" / "_input_range" siblings) as the
// architecture's files name it.
std::string checkpoint_name(Arch a, const std::string& canonical);

}  // namespace bertq::io
