// The BERT hyper-parameters the trainer needs, read from / written to a Hugging Face
// config.json (unknown fields are kept and written back unchanged).
// TODO(train): switch to io::BertConfig once src/io lands on main.
//
//   auto cfg = train::ModelConfig::load("model/config.json");
//   cfg.id2label = {"NEGATIVE", "POSITIVE"};  cfg.save("run/best/config.json");
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bertq::train {

struct ModelConfig {
  int64_t vocab_size = 30522;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  int64_t pad_token_id = 0;
  double layer_norm_eps = 1e-12;
  double initializer_range = 0.02;
  std::string hidden_act = "gelu";
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  std::optional<double> classifier_dropout;  // null in config.json: use hidden_dropout_prob
  std::vector<std::string> id2label = {"LABEL_0", "LABEL_1"};
  std::string extra_json = "{}";  // the other fields of config.json, kept verbatim

  int64_t num_labels() const { return static_cast<int64_t>(id2label.size()); }
  // Throws INVALID_ARGUMENT naming the field when the shapes are inconsistent.
  void validate(const std::string& where) const;

  static ModelConfig load(const std::string& path);
  static ModelConfig from_json(const std::string& text, const std::string& where);
  std::string to_json() const;
  void save(const std::string& path) const;  // atomic
};

}  // namespace bertq::train
