// Loading Unigram tokenizers from tokenizer.json (see unigram_tokenizer.h).
#include "text/unigram_tokenizer.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/file_util.h"
#include "core/utf8.h"
#include "text/precompiled_normalizer.h"
#include "text/sentencepiece_model.h"
#include "text/tokenizer_json.h"
#include "text/unigram_text_model.h"

namespace bertq::text {
namespace {

using nlohmann::json;

// obj[key], or null (a reference that outlives the call, unlike a temporary).
const json& member(const json& obj, const char* key) {
  static const json kNull;
  return obj.is_object() && obj.contains(key) ? obj.at(key) : kNull;
}

std::string type_of(const json& j, const std::string& path, const std::string& field) {
  check(j.is_object(), ErrorCode::CORRUPT_FILE, path, ": ", field, ": expected an object");
  return get_field<std::string>(j, "type", path, field + ".type");
}

// A score as Hugging Face tokenizers reads it. serde_json (without its float_roundtrip feature)
// parses "d1d2...dn" x 10^e as double(d1..dn) then one multiplication or division by 10^|e|:
// two roundings, so it can differ from the correctly rounded double in the last bit (e.g.
// -10.402546882629395 reads as -10.402546882629396). Viterbi ties hang on such bits, so bertq
// reads scores the same way. The digits are those of the shortest representation of the
// correctly rounded value, which is what tokenizers (ryu) and Python's json write.
double serde_json_f64(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  static const std::vector<double> pow10 = [] {
    std::vector<double> p(309);
    for (int k = 0; k <= 308; ++k) p[k] = std::strtod(cat("1e", k).c_str(), nullptr);
    return p;
  }();
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  const std::string text(buf, r.ptr);  // "d.ddde+XX" or "de-XX"
  const size_t e_at = text.find('e');
  std::string digits = text.substr(0, e_at);
  if (digits.size() > 1) digits.erase(1, 1);  // the '.'
  int exponent = std::atoi(text.c_str() + e_at + 1) - static_cast<int>(digits.size() - 1);
  double f = static_cast<double>(std::strtoull(digits.c_str(), nullptr, 10));
  while (true) {
    const int a = exponent < 0 ? -exponent : exponent;
    if (a <= 308) {
      f = exponent >= 0 ? f * pow10[a] : f / pow10[a];
      break;
    }
    if (exponent >= 0) return v;  // serde_json refuses it; HF would not load the file
    f /= 1e308;
    exponent += 308;
  }
  return v < 0 ? -f : f;
}

// One code point, e.g. Metaspace's replacement "▁".
uint32_t single_char(const std::string& s, const std::string& path, const std::string& field) {
  uint32_t cp = 0;
  const size_t n = s.empty() ? 0 : decode_utf8(s.data(), s.size(), 0, cp);
  if (n == 0 || n != s.size()) unsupported(path, field, cat("\"", s, "\" (one character only)"));
  return cp;
}

void parse_model(const json& model, std::vector<std::pair<std::string, double>>& pieces,
                 int32_t& unk_id, bool& byte_fallback, const std::string& path, bool serde_scores) {
  check(model.contains("vocab") && model.at("vocab").is_array(), ErrorCode::CORRUPT_FILE, path,
        ": model.vocab: expected an array of [piece, score]");
  const json& vocab = model.at("vocab");
  check(!vocab.empty(), ErrorCode::CORRUPT_FILE, path, ": model.vocab: empty");
  pieces.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    const json& e = vocab[i];
    check(e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_number(),
          ErrorCode::CORRUPT_FILE, path, ": model.vocab[", i, "]: expected [string, number]");
    std::string piece = e[0].get<std::string>();
    check(!piece.empty(), ErrorCode::CORRUPT_FILE, path, ": model.vocab[", i, "]: empty piece");
    try {
      validate_utf8(piece, "piece");
    } catch (const Error& err) {
      throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": model.vocab[", i, "]: ", err.what()));
    }
    const double score = e[1].get<double>();
    pieces.emplace_back(std::move(piece), serde_scores ? serde_json_f64(score) : score);
  }
  if (!model.contains("unk_id") || model.at("unk_id").is_null())
    unsupported(path, "model.unk_id", "null (a Unigram model without an unknown token)");
  const json& u = model.at("unk_id");
  check(u.is_number_integer() && u.get<int64_t>() >= 0 &&
            u.get<int64_t>() < static_cast<int64_t>(pieces.size()),
        ErrorCode::CORRUPT_FILE, path, ": model.unk_id: ", u.dump(),
        " is not an index into model.vocab (", pieces.size(), " pieces)");
  unk_id = static_cast<int32_t>(u.get<int64_t>());
  byte_fallback = get_or<bool>(model, "byte_fallback", false, path, "model.byte_fallback");
}

void parse_normalizer(const json& n, UnigramConfig& cfg, const std::string& path) {
  if (n.is_null()) return;
  std::vector<std::pair<const json*, std::string>> steps;
  if (type_of(n, path, "normalizer") == "Sequence") {
    const json& list = member(n, "normalizers");
    check(list.is_array(), ErrorCode::CORRUPT_FILE, path,
          ": normalizer.normalizers: expected an array");
    for (size_t i = 0; i < list.size(); ++i)
      steps.emplace_back(&list[i], cat("normalizer.normalizers[", i, "]"));
  } else {
    steps.emplace_back(&n, "normalizer");
  }
  int stage = 0;  // Precompiled (1), Strip (2), Replace (3): in this order, each at most once
  for (const auto& [step, field] : steps) {
    const std::string type = type_of(*step, path, field);
    const int want = type == "Precompiled" ? 1 : type == "Strip" ? 2 : type == "Replace" ? 3 : 0;
    if (want == 0) {
      unsupported(path, field + ".type",
                  cat("\"", type, "\" (a Unigram tokenizer: Precompiled, Strip, Replace)"));
    }
    if (want <= stage) {
      unsupported(path, field,
                  cat(type, " after ",
                      stage == 1   ? "Precompiled"
                      : stage == 2 ? "Strip"
                                   : "Replace",
                      " (only the order Precompiled, Strip, Replace)"));
    }
    stage = want;
    if (type == "Precompiled") {
      const std::string f = field + ".precompiled_charsmap";
      const std::string b64 = get_field<std::string>(*step, "precompiled_charsmap", path, f);
      cfg.precompiled = PrecompiledNormalizer::from_base64(b64, path + ": " + f);
    } else if (type == "Strip") {
      cfg.strip_left = get_or<bool>(*step, "strip_left", true, path, field + ".strip_left");
      cfg.strip_right = get_or<bool>(*step, "strip_right", true, path, field + ".strip_right");
    } else {
      const json& pattern = member(*step, "pattern");
      const std::string regex =
          pattern.is_object() && pattern.contains("Regex") && pattern.at("Regex").is_string()
              ? pattern.at("Regex").get<std::string>()
              : std::string();
      if (regex != " {2,}") {
        unsupported(path, field + ".pattern",
                    cat(pattern.dump(), " (only {\"Regex\": \" {2,}\"})"));
      }
      const std::string content =
          get_field<std::string>(*step, "content", path, field + ".content");
      try {
        validate_utf8(content, "content");
      } catch (const Error& err) {
        throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": ", field, ".content: ", err.what()));
      }
      cfg.space_runs = content;
    }
  }
}

PrependScheme prepend_scheme(const json& j, const std::string& path, const std::string& field) {
  if (j.contains("prepend_scheme") && !j.at("prepend_scheme").is_null()) {
    const std::string s =
        get_field<std::string>(j, "prepend_scheme", path, field + ".prepend_scheme");
    if (s == "always") return PrependScheme::ALWAYS;
    if (s == "first") return PrependScheme::FIRST;
    if (s == "never") return PrependScheme::NEVER;
    unsupported(path, field + ".prepend_scheme", cat("\"", s, "\" (always, first or never)"));
  }
  return get_or<bool>(j, "add_prefix_space", true, path, field + ".add_prefix_space")
             ? PrependScheme::ALWAYS
             : PrependScheme::NEVER;
}

void parse_pre_tokenizer(const json& p, UnigramConfig& cfg, const std::string& path) {
  if (p.is_null()) unsupported(path, "pre_tokenizer", "null (a Unigram tokenizer needs Metaspace)");
  const json* meta = &p;
  std::string field = "pre_tokenizer";
  if (type_of(p, path, field) == "Sequence") {
    const json& list = member(p, "pretokenizers");
    check(list.is_array(), ErrorCode::CORRUPT_FILE, path,
          ": pre_tokenizer.pretokenizers: expected an array");
    const bool ws = list.size() == 2 &&
                    type_of(list[0], path, "pre_tokenizer.pretokenizers[0]") == "WhitespaceSplit";
    if (!ws && list.size() != 1) {
      unsupported(path, "pre_tokenizer.pretokenizers",
                  "only [Metaspace] or [WhitespaceSplit, Metaspace]");
    }
    cfg.whitespace_split = ws;
    meta = &list[list.size() - 1];
    field = cat("pre_tokenizer.pretokenizers[", list.size() - 1, "]");
  }
  const std::string type = type_of(*meta, path, field);
  if (type != "Metaspace")
    unsupported(path, field + ".type", cat("\"", type, "\" (a Unigram tokenizer needs Metaspace)"));
  cfg.replacement = single_char(
      get_or<std::string>(*meta, "replacement", "\xE2\x96\x81", path, field + ".replacement"), path,
      field + ".replacement");
  cfg.prepend = prepend_scheme(*meta, path, field);
  cfg.split = get_or<bool>(*meta, "split", true, path, field + ".split");
}

void parse_decoder(const json& d, UnigramConfig& cfg, const std::string& path) {
  if (d.is_null()) {
    cfg.metaspace_decoder = false;
    return;
  }
  const std::string type = type_of(d, path, "decoder");
  if (type != "Metaspace")
    unsupported(path, "decoder.type", cat("\"", type, "\" (only Metaspace or null)"));
  cfg.decoder_replacement = single_char(
      get_or<std::string>(d, "replacement", "\xE2\x96\x81", path, "decoder.replacement"), path,
      "decoder.replacement");
  cfg.decoder_prepend = prepend_scheme(d, path, "decoder");
}

// The loader; serde_scores: scores as HF reads them from a file (a document built in memory
// from a SentencePiece model holds exact values, as transformers' converter hands them over).
void load_unigram(Tokenizer::Impl& m, const json& doc, const std::string& path, bool serde_scores) {
  std::vector<std::pair<std::string, double>> pieces;
  int32_t unk_id = 0;
  bool byte_fallback = false;
  parse_model(doc.at("model"), pieces, unk_id, byte_fallback, path, serde_scores);
  std::vector<std::string> tokens;
  tokens.reserve(pieces.size());
  for (const auto& p : pieces) tokens.push_back(p.first);
  m.vocab = Vocab::from_tokens(std::move(tokens), path + ": model.vocab");
  m.unk_token = pieces[static_cast<size_t>(unk_id)].first;

  UnigramConfig cfg;
  parse_normalizer(doc.value("normalizer", json()), cfg, path);
  parse_pre_tokenizer(doc.value("pre_tokenizer", json()), cfg, path);
  parse_decoder(doc.value("decoder", json()), cfg, path);
  parse_post_processor(m, doc.value("post_processor", json()), path);
  parse_added_tokens(m, doc.value("added_tokens", json::array()), path);
  cfg.normalized_tokens = m.added.normalized_only();
  m.normalized_tokens_in_model = m.added.has_normalized();
  m.model = std::make_unique<UnigramTextModel>(m.vocab, Unigram(pieces, unk_id, byte_fallback),
                                               std::move(cfg));
}

// As XLMRobertaTokenizerFast adds them: <mask> takes the whitespace before it (lstrip) and is
// matched in the normalized text; the others in the raw text.
json added_token(int64_t id, const std::string& content, bool mask = false) {
  return {{"id", id},        {"content", content}, {"single_word", false}, {"lstrip", mask},
          {"rstrip", false}, {"normalized", mask}, {"special", true}};
}

}  // namespace

void load_unigram_tokenizer(Tokenizer::Impl& m, const json& doc, const std::string& path) {
  load_unigram(m, doc, path, true);
}

json sentencepiece_to_tokenizer_json(const std::string& model_path) {
  const SentencePieceModel spm = parse_sentencepiece_model(read_file(model_path), model_path);
  if (spm.model_type != 1) {
    unsupported(model_path, "trainer_spec.model_type",
                cat(spm.model_type, " (only 1, UNIGRAM, becomes a Unigram tokenizer)"));
  }
  check(spm.pieces.size() > 3, ErrorCode::CORRUPT_FILE, model_path, ": ", spm.pieces.size(),
        " pieces (expected <unk>, <s>, </s> and more)");
  // XLMRobertaConverter: the fairseq ids <s>=0 <pad>=1 </s>=2 <unk>=3, SentencePiece's pieces
  // from its id 3 on (shifted by one), <mask> last.
  json vocab = json::array();
  for (const char* s : {"<s>", "<pad>", "</s>", "<unk>"}) vocab.push_back(json::array({s, 0.0}));
  for (size_t i = 3; i < spm.pieces.size(); ++i)
    vocab.push_back(json::array({spm.pieces[i].piece, static_cast<double>(spm.pieces[i].score)}));
  const int64_t mask = static_cast<int64_t>(vocab.size());
  vocab.push_back(json::array({"<mask>", 0.0}));

  json normalizers = json::array();
  if (!spm.precompiled_charsmap.empty()) {
    normalizers.push_back({{"type", "Precompiled"},
                           {"precompiled_charsmap", encode_base64(spm.precompiled_charsmap)}});
  }
  normalizers.push_back({{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}});
  normalizers.push_back(
      {{"type", "Replace"}, {"pattern", {{"Regex", " {2,}"}}}, {"content", "\xE2\x96\x81"}});
  const json metaspace = {{"type", "Metaspace"},
                          {"replacement", "\xE2\x96\x81"},
                          {"prepend_scheme", "always"},
                          {"split", true}};
  auto special = [](const char* name) {
    return json{{"SpecialToken", {{"id", name}, {"type_id", 0}}}};
  };
  auto seq = [](const char* name) { return json{{"Sequence", {{"id", name}, {"type_id", 0}}}}; };
  const json post = {{"type", "TemplateProcessing"},
                     {"single", json::array({special("<s>"), seq("A"), special("</s>")})},
                     {"pair", json::array({special("<s>"), seq("A"), special("</s>"),
                                           special("</s>"), seq("B"), special("</s>")})},
                     {"special_tokens",
                      {{"<s>", {{"id", "<s>"}, {"ids", {0}}, {"tokens", {"<s>"}}}},
                       {"</s>", {{"id", "</s>"}, {"ids", {2}}, {"tokens", {"</s>"}}}}}}};
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens",
       json::array({added_token(0, "<s>"), added_token(1, "<pad>"), added_token(2, "</s>"),
                    added_token(3, "<unk>"), added_token(mask, "<mask>", /*mask=*/true)})},
      {"normalizer", {{"type", "Sequence"}, {"normalizers", normalizers}}},
      {"pre_tokenizer", metaspace},
      {"post_processor", post},
      {"decoder", metaspace},
      {"model", {{"type", "Unigram"}, {"unk_id", 3}, {"vocab", vocab}, {"byte_fallback", false}}}};
}

void load_sentencepiece_tokenizer(Tokenizer::Impl& m, const std::string& model_path) {
  const json doc = sentencepiece_to_tokenizer_json(model_path);
  load_unigram(m, doc, model_path, false);
  m.tokenizer_json = doc.dump(2) + "\n";
}

}  // namespace bertq::text
