// config.json <-> ModelConfig (see model_config.h). id2label keys are decimal strings
// "0".."n-1" as in transformers; label2id is written as its inverse.
#include "train/model_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::train {

using nlohmann::json;

void ModelConfig::validate(const std::string& where) const {
  auto need = [&](bool ok, const char* field, const std::string& why) {
    check(ok, ErrorCode::INVALID_ARGUMENT, cat(where, ": field ", field, ": ", why));
  };
  need(vocab_size > 0, "vocab_size", "must be > 0");
  need(hidden_size > 0, "hidden_size", "must be > 0");
  need(num_hidden_layers > 0, "num_hidden_layers", "must be > 0");
  need(num_attention_heads > 0 && hidden_size % num_attention_heads == 0, "num_attention_heads",
       cat("must divide hidden_size ", hidden_size));
  need(intermediate_size > 0, "intermediate_size", "must be > 0");
  need(max_position_embeddings > 0, "max_position_embeddings", "must be > 0");
  need(type_vocab_size > 0, "type_vocab_size", "must be > 0");
  need(hidden_act == "gelu", "hidden_act", cat("only \"gelu\" is supported, got \"", hidden_act, "\""));
  need(num_labels() >= 2, "id2label", "needs at least 2 labels");
}

ModelConfig ModelConfig::from_json(const std::string& text, const std::string& where) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": bad JSON: ", e.what()));
  }
  check(j.is_object(), ErrorCode::CORRUPT_FILE, cat(where, ": not a JSON object"));
  ModelConfig c;
  const char* field = "";
  try {
    auto get_i = [&](const char* f, int64_t& out) {
      field = f;
      if (j.contains(f)) out = j.at(f).get<int64_t>();
    };
    auto get_d = [&](const char* f, double& out) {
      field = f;
      if (j.contains(f)) out = j.at(f).get<double>();
    };
    get_i("vocab_size", c.vocab_size);
    get_i("hidden_size", c.hidden_size);
    get_i("num_hidden_layers", c.num_hidden_layers);
    get_i("num_attention_heads", c.num_attention_heads);
    get_i("intermediate_size", c.intermediate_size);
    get_i("max_position_embeddings", c.max_position_embeddings);
    get_i("type_vocab_size", c.type_vocab_size);
    field = "pad_token_id";
    if (j.contains("pad_token_id") && !j["pad_token_id"].is_null()) c.pad_token_id = j["pad_token_id"].get<int64_t>();
    get_d("layer_norm_eps", c.layer_norm_eps);
    get_d("initializer_range", c.initializer_range);
    field = "hidden_act";
    if (j.contains("hidden_act")) c.hidden_act = j["hidden_act"].get<std::string>();
    get_d("hidden_dropout_prob", c.hidden_dropout_prob);
    get_d("attention_probs_dropout_prob", c.attention_probs_dropout_prob);
    field = "classifier_dropout";
    if (j.contains("classifier_dropout") && !j["classifier_dropout"].is_null())
      c.classifier_dropout = j["classifier_dropout"].get<double>();
    field = "id2label";
    if (j.contains("id2label")) {
      const auto& m = j["id2label"];
      c.id2label.assign(m.size(), "");
      for (auto it = m.begin(); it != m.end(); ++it) {
        size_t k = std::stoul(it.key());
        check(k < m.size(), ErrorCode::CORRUPT_FILE, cat("key ", it.key(), " out of range"));
        c.id2label[k] = it->get<std::string>();
      }
    } else if (j.contains("num_labels")) {
      field = "num_labels";
      const int64_t n = j["num_labels"].get<int64_t>();
      c.id2label.clear();
      for (int64_t i = 0; i < n; ++i) c.id2label.push_back(cat("LABEL_", i));
    }
  } catch (const json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": field ", field, ": ", e.what()));
  } catch (const std::logic_error& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": field ", field, ": ", e.what()));
  }
  c.extra_json = j.dump();
  c.validate(where);
  return c;
}

ModelConfig ModelConfig::load(const std::string& path) {
  check(file_exists(path), ErrorCode::NOT_FOUND, cat(path, ": no such file"));
  return from_json(read_file(path), path);
}

std::string ModelConfig::to_json() const {
  json j = json::parse(extra_json);
  j["architectures"] = {"BertForSequenceClassification"};
  j["model_type"] = "bert";
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["intermediate_size"] = intermediate_size;
  j["max_position_embeddings"] = max_position_embeddings;
  j["type_vocab_size"] = type_vocab_size;
  j["pad_token_id"] = pad_token_id;
  j["layer_norm_eps"] = layer_norm_eps;
  j["initializer_range"] = initializer_range;
  j["hidden_act"] = hidden_act;
  j["hidden_dropout_prob"] = hidden_dropout_prob;
  j["attention_probs_dropout_prob"] = attention_probs_dropout_prob;
  j["classifier_dropout"] = classifier_dropout ? json(*classifier_dropout) : json(nullptr);
  j["position_embedding_type"] = "absolute";
  j["torch_dtype"] = "float32";
  json id2 = json::object(), l2id = json::object();
  for (size_t i = 0; i < id2label.size(); ++i) {
    id2[std::to_string(i)] = id2label[i];
    l2id[id2label[i]] = i;
  }
  j["id2label"] = id2;
  j["label2id"] = l2id;
  j.erase("num_labels");
  return j.dump(2) + "\n";
}

void ModelConfig::save(const std::string& path) const { write_file_atomic(path, to_json()); }

}  // namespace bertq::train
