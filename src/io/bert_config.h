// BertConfig: the Hugging Face config.json of a BERT sequence classifier.
//
// Reads the fields the engine needs (sizes, activation, LayerNorm epsilon, labels) with type
// and range checks whose errors name the file and field; every other field is kept in `extra`
// and written back on save, so a config survives load + save (e.g. "quantization_config").
// Labels: id2label {"0": "NEG", "1": "POS"} (keys must be 0..n-1), else num_labels, else HF's
// default of 2 labels LABEL_0, LABEL_1; label2id, when present, must agree with id2label.
// The optional block "bertq" records how the model was trained to see its text, so that
// inference tokenizes the same way (the trainer writes it, the quantizer keeps it, predict /
// eval / serve / compare / pipeline use it as their default):
//   "bertq": {"max_length": 128, "truncation": "head+tail", "head_tokens": 32}
// Every key is optional; other keys in the block are kept. Errors name the file and the field
// ("m/config.json: field bertq.max_length: ...").
//
//   auto cfg = bertq::io::BertConfig::load("model/config.json");
//   int h = cfg.hidden_size, n = cfg.num_labels();
//   cfg.id2label = {"NEG", "POS"};  cfg.save("out/config.json");   // atomic
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/architecture.h"

namespace bertq::io {

enum class Activation {
  GELU,      // exact: x * 0.5 * (1 + erf(x / sqrt(2)))                     ("gelu")
  GELU_NEW,  // tanh approximation ("gelu_new", "gelu_pytorch_tanh")
  RELU,      // ("relu")
};

std::string_view activation_name(Activation a);  // "gelu", "gelu_new", "relu"
// Accepts the names above; throws UNSUPPORTED naming the value otherwise.
Activation parse_activation(std::string_view name);

// config.json's "bertq" block (see above): the keys of a tokenization recipe as stored, each
// optional (a key left out is std::nullopt: the tool's default). engine::resolve_tokenization
// turns it into the recipe that runs (text::TokenizationRecipe); the CLI's options take the
// same shape (engine::TokenizationRequest).
struct TokenizationRecipe {
  // Tokens incl. [CLS] and [SEP], in [3, max_position]: a trained recipe keeps at least one
  // content token (text::TokenizationRecipe::kMinTrainedMaxLength).
  std::optional<int> max_length;
  std::optional<std::string> truncation;  // "head" | "tail" | "head+tail"
  std::optional<int> head_tokens;         // head+tail: content tokens kept from the start, >= 0
  nlohmann::json extra = nlohmann::json::object();  // other keys of the block, written back

  bool empty() const { return !max_length && !truncation && !head_tokens && extra.empty(); }
  nlohmann::json to_json() const;
  // `origin` (the file) starts every error: CORRUPT_FILE "origin: field bertq.KEY: ...".
  static TokenizationRecipe from_json(const nlohmann::json& j, const std::string& origin);
};

struct BertConfig {
  // The architecture (architecture.h) from model_type; its config.json keys are mapped onto
  // these BERT-named fields on load and back on save. DistilBERT: type_vocab_size 1 (no
  // token-type table), layer_norm_eps 1e-12.
  Arch arch = Arch::BERT;
  int vocab_size = 30522, hidden_size = 768, num_hidden_layers = 12, num_attention_heads = 12,
      intermediate_size = 3072, max_position_embeddings = 512, type_vocab_size = 2,
      pad_token_id = 0;
  Activation hidden_act = Activation::GELU;
  float layer_norm_eps = 1e-12f;
  float hidden_dropout_prob = 0.1f, attention_probs_dropout_prob = 0.1f;
  std::optional<float> classifier_dropout;
  std::vector<std::string> id2label = {"LABEL_0", "LABEL_1"};  // size num_labels
  nlohmann::json extra = nlohmann::json::object();             // every other config.json field
  std::optional<TokenizationRecipe> recipe;                    // the "bertq" block, when present

  int num_labels() const { return static_cast<int>(id2label.size()); }
  int label_id(std::string_view label) const;  // -1 if absent
  int head_size() const { return hidden_size / num_attention_heads; }
  // Position row of a sequence's first token (RoBERTa / XLM-R: pad_token_id + 1, else 0) and
  // the longest sequence the position table holds (max_position_embeddings minus that).
  int position_offset() const;
  int max_tokens() const { return max_position_embeddings - position_offset(); }
  // Architectures whose positions start after padding (RoBERTa, XLM-R) count positions over the
  // tokens that are not pad_token_id: a tokenizer padding with another id would shift them.
  // CORRUPT_FILE naming `origin` (the folder) when `tokenizer_pad_id` differs there.
  void check_tokenizer_pad(int32_t tokenizer_pad_id, const std::string& origin) const;

  // Parses and validates; `origin` (a file name) starts every error message.
  static BertConfig from_json(const nlohmann::json& j, const std::string& origin);
  static BertConfig load(const std::string& path);
  // HF-compatible: the architecture's class and model_type ("BertForSequenceClassification",
  // "bert"), its key names, id2label {"0": ...}, label2id, plus `extra`.
  nlohmann::json to_json() const;
  void save(const std::string& path) const;  // atomic
  // Positive sizes, hidden_size % num_attention_heads == 0, eps > 0, dropouts in [0, 1),
  // pad_token_id < vocab_size, labels non-empty and distinct, the recipe's max_length within
  // max_position_embeddings. Throws INVALID_ARGUMENT naming
  // the field (prefixed by `origin` when given).
  void validate(const std::string& origin = "") const;
};

}  // namespace bertq::io
