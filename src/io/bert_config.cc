// BertConfig <-> config.json (see bert_config.h for the rules).
#include "io/bert_config.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <set>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::io {
namespace {

using nlohmann::json;

std::string brief(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

Error field_error(const std::string& origin, const std::string& field, const std::string& msg) {
  return Error(ErrorCode::CORRUPT_FILE, cat(origin, ": field ", field, ": ", msg));
}

// `prefix` names the enclosing block in errors ("bertq." for the recipe block).
void read_int(const json& j, const std::string& origin, const char* field, int& out,
              const std::string& prefix = "") {
  if (!j.contains(field)) return;
  const json& v = j[field];
  const std::string name = prefix + field;
  if (!v.is_number_integer())
    throw field_error(origin, name, cat("expected an integer, got ", brief(v)));
  const int64_t x =
      v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX ? INT64_MAX : v.get<int64_t>();
  if (x < INT_MIN || x > INT_MAX)
    throw field_error(origin, name, cat("value ", brief(v), " out of range"));
  out = static_cast<int>(x);
}

void read_float(const json& j, const std::string& origin, const char* field, float& out) {
  if (!j.contains(field)) return;
  const json& v = j[field];
  if (!v.is_number()) throw field_error(origin, field, cat("expected a number, got ", brief(v)));
  out = v.get<float>();
}

const std::set<std::string>& known_fields() {
  static const std::set<std::string> k = {"vocab_size",
                                          "hidden_size",
                                          "num_hidden_layers",
                                          "num_attention_heads",
                                          "intermediate_size",
                                          "max_position_embeddings",
                                          "type_vocab_size",
                                          "pad_token_id",
                                          "hidden_act",
                                          "layer_norm_eps",
                                          "hidden_dropout_prob",
                                          "attention_probs_dropout_prob",
                                          "classifier_dropout",
                                          "id2label",
                                          "label2id",
                                          "num_labels",
                                          "architectures",
                                          "model_type",
                                          "bertq"};
  return k;
}

constexpr const char* kRecipeKey = "bertq";

}  // namespace

TokenizationRecipe TokenizationRecipe::from_json(const json& j, const std::string& origin) {
  if (!j.is_object())
    throw field_error(origin, kRecipeKey, cat("expected an object, got ", brief(j)));
  TokenizationRecipe r;
  const std::string prefix = cat(kRecipeKey, ".");
  auto int_field = [&](const char* key, int lo, std::optional<int>& out) {
    if (!j.contains(key)) return;
    int v = 0;
    read_int(j, origin, key, v, prefix);
    if (v < lo) throw field_error(origin, prefix + key, cat("must be >= ", lo, ", got ", v));
    out = v;
  };
  int_field("max_length", 3, r.max_length);
  int_field("head_tokens", 0, r.head_tokens);
  if (j.contains("truncation")) {
    const json& t = j["truncation"];
    const std::string v = t.is_string() ? t.get<std::string>() : "";
    if (v != "head" && v != "tail" && v != "head+tail")
      throw field_error(origin, prefix + "truncation",
                        cat("expected \"head\", \"tail\" or \"head+tail\", got ", brief(t)));
    r.truncation = v;
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "max_length" && it.key() != "truncation" && it.key() != "head_tokens")
      r.extra[it.key()] = it.value();
  return r;
}

json TokenizationRecipe::to_json() const {
  json j = extra.is_object() ? extra : json::object();
  if (max_length) j["max_length"] = *max_length;
  if (truncation) j["truncation"] = *truncation;
  if (head_tokens) j["head_tokens"] = *head_tokens;
  return j;
}

std::string_view activation_name(Activation a) {
  switch (a) {
    case Activation::GELU:
      return "gelu";
    case Activation::GELU_NEW:
      return "gelu_new";
    case Activation::RELU:
      return "relu";
  }
  return "?";
}

Activation parse_activation(std::string_view name) {
  if (name == "gelu") return Activation::GELU;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::GELU_NEW;
  if (name == "relu") return Activation::RELU;
  throw Error(
      ErrorCode::UNSUPPORTED,
      cat("activation \"", name, "\" is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)"));
}

void BertConfig::check_tokenizer_pad(int32_t tokenizer_pad_id, const std::string& origin) const {
  if (!arch_spec(arch).positions_after_padding) return;
  check(tokenizer_pad_id == pad_token_id, ErrorCode::CORRUPT_FILE, origin,
        ": config.json pad_token_id is ", pad_token_id, " but the tokenizer's pad token has id ",
        tokenizer_pad_id, " (", arch_spec(arch).model_type,
        " counts positions over the tokens that are not padding)");
}

int BertConfig::position_offset() const {
  return arch_spec(arch).positions_after_padding ? pad_token_id + 1 : 0;
}

int BertConfig::label_id(std::string_view label) const {
  for (size_t i = 0; i < id2label.size(); ++i)
    if (id2label[i] == label) return static_cast<int>(i);
  return -1;
}

BertConfig BertConfig::from_json(const json& j, const std::string& origin) {
  check(j.is_object(), ErrorCode::CORRUPT_FILE, origin, ": config must be a JSON object, got ",
        j.type_name());
  BertConfig c;
  if (j.contains("model_type")) {
    const json& m = j["model_type"];
    const auto arch = m.is_string() ? arch_from_model_type(m.get<std::string>()) : std::nullopt;
    check(arch.has_value(), ErrorCode::UNSUPPORTED, origin, ": field model_type: ", brief(m),
          " is not supported (bertq runs ", supported_model_types(), ")");
    c.arch = *arch;
  }
  const Arch a = c.arch;
  auto key = [a](const char* field) { return config_key(a, field); };
  if (!arch_spec(a).token_types) c.type_vocab_size = 1;
  if (j.contains("position_embedding_type")) {
    const json& p = j["position_embedding_type"];
    check(p.is_string() && p.get<std::string>() == "absolute", ErrorCode::UNSUPPORTED, origin,
          ": field position_embedding_type: ", brief(p), " is not supported (only \"absolute\")");
  }
  read_int(j, origin, "vocab_size", c.vocab_size);
  read_int(j, origin, key("hidden_size"), c.hidden_size);
  read_int(j, origin, key("num_hidden_layers"), c.num_hidden_layers);
  read_int(j, origin, key("num_attention_heads"), c.num_attention_heads);
  read_int(j, origin, key("intermediate_size"), c.intermediate_size);
  read_int(j, origin, "max_position_embeddings", c.max_position_embeddings);
  if (has_config_key(a, "type_vocab_size"))
    read_int(j, origin, "type_vocab_size", c.type_vocab_size);
  if (j.contains("pad_token_id") && !j["pad_token_id"].is_null())
    read_int(j, origin, "pad_token_id", c.pad_token_id);
  if (j.contains(key("hidden_act"))) {
    const json& act = j[key("hidden_act")];
    check(act.is_string(), ErrorCode::CORRUPT_FILE, origin, ": field ", key("hidden_act"),
          ": expected a string, got ", brief(act));
    try {
      c.hidden_act = parse_activation(act.get<std::string>());
    } catch (const Error& e) {
      rethrow_with_context(e, cat(origin, ": field ", key("hidden_act")));
    }
  }
  if (has_config_key(a, "layer_norm_eps"))
    read_float(j, origin, "layer_norm_eps", c.layer_norm_eps);
  read_float(j, origin, key("hidden_dropout_prob"), c.hidden_dropout_prob);
  read_float(j, origin, key("attention_probs_dropout_prob"), c.attention_probs_dropout_prob);
  if (j.contains(key("classifier_dropout")) && !j[key("classifier_dropout")].is_null()) {
    float d = 0;
    read_float(j, origin, key("classifier_dropout"), d);
    c.classifier_dropout = d;
  } else if (arch_spec(a).default_classifier_dropout >= 0) {
    c.classifier_dropout = arch_spec(a).default_classifier_dropout;
  }

  // Labels.
  int num_labels = -1;
  if (j.contains("num_labels")) read_int(j, origin, "num_labels", num_labels);
  if (j.contains("id2label")) {
    const json& m = j["id2label"];
    if (!m.is_object())
      throw field_error(origin, "id2label", cat("expected an object, got ", brief(m)));
    std::vector<std::string> labels(m.size());
    std::vector<bool> seen(m.size(), false);
    for (auto it = m.begin(); it != m.end(); ++it) {
      size_t pos = 0;
      long id = -1;
      try {
        id = std::stol(it.key(), &pos);
      } catch (const std::exception&) {
        pos = 0;
      }
      if (pos == 0 || pos != it.key().size() || id < 0 || id >= static_cast<long>(m.size()))
        throw field_error(origin, "id2label",
                          cat("key \"", it.key(), "\" is not a label id in 0..", m.size() - 1));
      if (!it.value().is_string())
        throw field_error(origin, "id2label",
                          cat("label ", id, " must be a string, got ", brief(it.value())));
      if (seen[id]) throw field_error(origin, "id2label", cat("label id ", id, " given twice"));
      seen[id] = true;
      labels[id] = it.value().get<std::string>();
    }
    for (size_t i = 0; i < labels.size(); ++i)
      for (size_t k = 0; k < i; ++k)
        if (labels[i] == labels[k])
          throw field_error(origin, "id2label", cat("label \"", labels[i], "\" given twice"));
    if (num_labels >= 0 && num_labels != static_cast<int>(labels.size()))
      throw field_error(origin, "num_labels",
                        cat(num_labels, " disagrees with id2label's ", labels.size(), " labels"));
    c.id2label = std::move(labels);
  } else if (num_labels >= 0) {
    c.id2label.clear();
    for (int i = 0; i < num_labels; ++i) c.id2label.push_back(cat("LABEL_", i));
  }
  if (j.contains("label2id")) {
    const json& m = j["label2id"];
    if (!m.is_object())
      throw field_error(origin, "label2id", cat("expected an object, got ", brief(m)));
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it.value().is_number_integer())
        throw field_error(
            origin, "label2id",
            cat("\"", it.key(), "\" must map to an integer, got ", brief(it.value())));
      const int64_t id = it.value().get<int64_t>();
      if (id < 0 || id >= c.num_labels() || c.id2label[id] != it.key())
        throw field_error(
            origin, "label2id",
            cat("\"", it.key(), "\": ", id, " disagrees with id2label (",
                id >= 0 && id < c.num_labels() ? "\"" + c.id2label[id] + "\"" : "no such id", ")"));
    }
    if (static_cast<int>(m.size()) != c.num_labels())
      throw field_error(origin, "label2id",
                        cat(m.size(), " labels, but id2label has ", c.num_labels()));
  }

  if (j.contains(kRecipeKey)) c.recipe = TokenizationRecipe::from_json(j[kRecipeKey], origin);
  std::set<std::string> known = known_fields();
  for (const auto& [field, k] : arch_spec(a).config_keys) known.insert(k);
  for (const char* absent : arch_spec(a).absent_config_keys) known.erase(absent);  // kept as is
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key())) c.extra[it.key()] = it.value();

  try {
    c.validate(origin);
  } catch (const Error& e) {
    throw Error(ErrorCode::CORRUPT_FILE, e.what());
  }
  return c;
}

BertConfig BertConfig::load(const std::string& path) {
  const std::string text = read_file(path);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  check(!j.is_discarded(), ErrorCode::CORRUPT_FILE, path, ": not valid JSON");
  return from_json(j, path);
}

json BertConfig::to_json() const {
  json j = extra.is_object() ? extra : json::object();
  const ArchSpec& spec = arch_spec(arch);
  auto key = [this](const char* field) { return config_key(arch, field); };
  j["architectures"] = {spec.class_name};
  j["model_type"] = spec.model_type;
  j["vocab_size"] = vocab_size;
  j[key("hidden_size")] = hidden_size;
  j[key("num_hidden_layers")] = num_hidden_layers;
  j[key("num_attention_heads")] = num_attention_heads;
  j[key("intermediate_size")] = intermediate_size;
  j["max_position_embeddings"] = max_position_embeddings;
  if (has_config_key(arch, "type_vocab_size")) j["type_vocab_size"] = type_vocab_size;
  j["pad_token_id"] = pad_token_id;
  j[key("hidden_act")] = std::string(activation_name(hidden_act));
  // Floats are written through double with the shortest text that reads back the same float.
  auto num = [](float f) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, f);  // shortest round-trip text
    return std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
  };
  if (has_config_key(arch, "layer_norm_eps")) j["layer_norm_eps"] = num(layer_norm_eps);
  j[key("hidden_dropout_prob")] = num(hidden_dropout_prob);
  j[key("attention_probs_dropout_prob")] = num(attention_probs_dropout_prob);
  const float default_drop = spec.default_classifier_dropout;
  j[key("classifier_dropout")] = classifier_dropout  ? json(num(*classifier_dropout))
                                 : default_drop >= 0 ? json(num(default_drop))
                                                     : json(nullptr);
  json id2 = json::object(), l2i = json::object();
  for (size_t i = 0; i < id2label.size(); ++i) {
    id2[std::to_string(i)] = id2label[i];
    l2i[id2label[i]] = i;
  }
  j["id2label"] = id2;
  j["label2id"] = l2i;
  if (recipe) j[kRecipeKey] = recipe->to_json();
  return j;
}

void BertConfig::save(const std::string& path) const {
  validate(path);
  write_file_atomic(path, to_json().dump(2) + "\n");
}

void BertConfig::validate(const std::string& origin) const {
  const std::string pre = origin.empty() ? "config" : origin;
  auto positive = [&](int v, const char* field) {
    check(v > 0, ErrorCode::INVALID_ARGUMENT, pre, ": field ", field, ": must be positive, got ",
          v);
  };
  positive(vocab_size, "vocab_size");
  positive(hidden_size, "hidden_size");
  positive(num_hidden_layers, "num_hidden_layers");
  positive(num_attention_heads, "num_attention_heads");
  positive(intermediate_size, "intermediate_size");
  positive(max_position_embeddings, "max_position_embeddings");
  positive(type_vocab_size, "type_vocab_size");
  check(hidden_size % num_attention_heads == 0, ErrorCode::INVALID_ARGUMENT, pre,
        ": field hidden_size: ", hidden_size, " is not a multiple of num_attention_heads ",
        num_attention_heads);
  check(pad_token_id >= 0 && pad_token_id < vocab_size, ErrorCode::INVALID_ARGUMENT, pre,
        ": field pad_token_id: ", pad_token_id, " outside the vocabulary [0, ", vocab_size, ")");
  check(max_tokens() >= 2, ErrorCode::INVALID_ARGUMENT, pre,
        ": field max_position_embeddings: ", max_position_embeddings, " leaves ", max_tokens(),
        " positions after pad_token_id ", pad_token_id, " (", arch_spec(arch).model_type,
        " positions start at pad_token_id + 1)");
  check(std::isfinite(layer_norm_eps) && layer_norm_eps > 0, ErrorCode::INVALID_ARGUMENT, pre,
        ": field layer_norm_eps: must be positive, got ", layer_norm_eps);
  auto prob = [&](float p, const char* field) {
    check(p >= 0 && p < 1, ErrorCode::INVALID_ARGUMENT, pre, ": field ", field,
          ": must be in [0, 1), got ", p);
  };
  prob(hidden_dropout_prob, "hidden_dropout_prob");
  prob(attention_probs_dropout_prob, "attention_probs_dropout_prob");
  if (classifier_dropout) prob(*classifier_dropout, "classifier_dropout");
  if (recipe && recipe->max_length)
    check(*recipe->max_length <= max_tokens(), ErrorCode::INVALID_ARGUMENT, pre,
          ": field bertq.max_length: ", *recipe->max_length, " exceeds the model's ", max_tokens(),
          " positions (max_position_embeddings)");
  check(!id2label.empty(), ErrorCode::INVALID_ARGUMENT, pre, ": field id2label: no labels");
  std::set<std::string> seen;
  for (const auto& l : id2label) {
    check(!l.empty(), ErrorCode::INVALID_ARGUMENT, pre, ": field id2label: empty label");
    check(seen.insert(l).second, ErrorCode::INVALID_ARGUMENT, pre, ": field id2label: label \"", l,
          "\" given twice");
  }
}

}  // namespace bertq::io
