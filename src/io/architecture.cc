// The architecture descriptions (see architecture.h).
#include "io/architecture.h"

#include <array>
#include <optional>

namespace bertq::io {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

const std::array<ArchSpec, 4>& specs() {
  static const std::array<ArchSpec, 4> s = {
      ArchSpec{Arch::BERT,
               "bert",
               "BertForSequenceClassification",
               true,
               HeadActivation::TANH,
               false,
               true,
               false,
               -1.f,
               {},
               {}},
      ArchSpec{Arch::DISTILBERT,
               "distilbert",
               "DistilBertForSequenceClassification",
               false,
               HeadActivation::RELU,
               false,
               false,
               false,
               0.2f,
               {{"hidden_size", "dim"},
                {"num_hidden_layers", "n_layers"},
                {"num_attention_heads", "n_heads"},
                {"intermediate_size", "hidden_dim"},
                {"hidden_act", "activation"},
                {"hidden_dropout_prob", "dropout"},
                {"attention_probs_dropout_prob", "attention_dropout"},
                {"classifier_dropout", "seq_classif_dropout"}},
               {"type_vocab_size", "layer_norm_eps"}},
      ArchSpec{Arch::ROBERTA,
               "roberta",
               "RobertaForSequenceClassification",
               true,
               HeadActivation::TANH,
               true,
               true,
               true,
               -1.f,
               {},
               {}},
      ArchSpec{Arch::XLM_ROBERTA,
               "xlm-roberta",
               "XLMRobertaForSequenceClassification",
               true,
               HeadActivation::TANH,
               true,
               true,
               true,
               -1.f,
               {},
               {}}};
  return s;
}

// A name piece in the architecture's files and the same piece in BERT's canonical names.
struct Piece {
  const char *own, *bert;
};
// DistilBERT: the layers' prefix and the pieces inside a layer, the other model prefixes.
constexpr Piece kDistilLayers[] = {{"distilbert.transformer.layer.", "bert.encoder.layer."}};
constexpr Piece kDistilPrefixes[] = {{"distilbert.embeddings.", "bert.embeddings."},
                                     {"pre_classifier.", "bert.pooler.dense."},
                                     {"classifier.", "classifier."}};
constexpr Piece kDistilLayer[] = {{"attention.q_lin.", "attention.self.query."},
                                  {"attention.k_lin.", "attention.self.key."},
                                  {"attention.v_lin.", "attention.self.value."},
                                  {"attention.out_lin.", "attention.output.dense."},
                                  {"sa_layer_norm.", "attention.output.LayerNorm."},
                                  {"ffn.lin1.", "intermediate.dense."},
                                  {"ffn.lin2.", "output.dense."},
                                  {"output_layer_norm.", "output.LayerNorm."}};
// RoBERTa / XLM-R: "roberta." for "bert." and the classification head's two Linears.
constexpr Piece kRobertaPrefixes[] = {{"roberta.embeddings.", "bert.embeddings."},
                                      {"roberta.encoder.", "bert.encoder."},
                                      {"classifier.dense.", "bert.pooler.dense."},
                                      {"classifier.out_proj.", "classifier."}};

// `name` with the first piece of `table` it starts with (the own side, or BERT's when to_bert is
// false) swapped for the other side; unset when none matches.
template <size_t N>
std::optional<std::string> swap_prefix(const std::string& name, const Piece (&table)[N],
                                       bool to_bert) {
  for (const Piece& p : table) {
    const std::string_view from = to_bert ? p.own : p.bert;
    if (starts_with(name, from))
      return std::string(to_bert ? p.bert : p.own) + name.substr(from.size());
  }
  return std::nullopt;
}

std::string map_roberta(const std::string& name, bool to_bert) {
  return swap_prefix(name, kRobertaPrefixes, to_bert).value_or(name);
}

// DistilBERT <-> BERT: the model prefix, and inside a layer ("...layer.N.") its piece; unchanged
// when no prefix matches.
std::string map_distil(const std::string& name, bool to_bert) {
  const auto layer = swap_prefix(name, kDistilLayers, to_bert);
  if (!layer) return swap_prefix(name, kDistilPrefixes, to_bert).value_or(name);
  const std::string& mapped = *layer;
  const size_t start =
      std::string_view(to_bert ? kDistilLayers[0].bert : kDistilLayers[0].own).size();
  const size_t dot = mapped.find('.', start);
  if (dot == std::string::npos) return name;
  const auto inner = swap_prefix(mapped.substr(dot + 1), kDistilLayer, to_bert);
  return inner ? mapped.substr(0, dot + 1) + *inner : mapped;
}

}  // namespace

const ArchSpec& arch_spec(Arch a) {
  return specs()[static_cast<size_t>(a)];
}

std::optional<Arch> arch_from_model_type(std::string_view model_type) {
  for (const ArchSpec& s : specs())
    if (model_type == s.model_type) return s.arch;
  return std::nullopt;
}

std::string supported_model_types() {
  std::string out;
  for (const ArchSpec& s : specs())
    out += (out.empty() ? "\"" : ", \"") + std::string(s.model_type) + "\"";
  return out;
}

const char* config_key(Arch a, const char* field) {
  for (const auto& [f, k] : arch_spec(a).config_keys)
    if (std::string_view(f) == field) return k;
  return field;
}

bool has_config_key(Arch a, const char* field) {
  for (const char* absent : arch_spec(a).absent_config_keys)
    if (std::string_view(absent) == field) return false;
  return true;
}

std::string canonical_name(Arch a, const std::string& name) {
  if (ends_with(name, "position_ids")) return "";
  if (a == Arch::DISTILBERT) {
    // MLM head of DistilBertForMaskedLM checkpoints.
    if (starts_with(name, "vocab_transform.") || starts_with(name, "vocab_layer_norm.") ||
        starts_with(name, "vocab_projector."))
      return "";
    std::string n = name;
    if (starts_with(n, "embeddings.") || starts_with(n, "transformer.")) n = "distilbert." + n;
    return map_distil(n, /*to_bert=*/true);
  }
  if (a == Arch::ROBERTA || a == Arch::XLM_ROBERTA) {
    // The MLM head, and a base RobertaModel's pooler (not the classification head).
    if (starts_with(name, "lm_head.") || starts_with(name, "pooler.") ||
        starts_with(name, "roberta.pooler."))
      return "";
    std::string n = name;
    if (starts_with(n, "embeddings.") || starts_with(n, "encoder.")) n = "roberta." + n;
    return map_roberta(n, /*to_bert=*/true);
  }
  if (starts_with(name, "cls.")) return "";
  std::string n = name;
  if (ends_with(n, "LayerNorm.gamma"))
    n = n.substr(0, n.size() - 5) + "weight";
  else if (ends_with(n, "LayerNorm.beta"))
    n = n.substr(0, n.size() - 4) + "bias";
  if (starts_with(n, "embeddings.") || starts_with(n, "encoder.") || starts_with(n, "pooler."))
    n = "bert." + n;
  return n;
}

std::string checkpoint_name(Arch a, const std::string& canonical) {
  if (a == Arch::DISTILBERT) return map_distil(canonical, /*to_bert=*/false);
  if (a == Arch::ROBERTA || a == Arch::XLM_ROBERTA) return map_roberta(canonical, false);
  return canonical;
}

}  // namespace bertq::io
