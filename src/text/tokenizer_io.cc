// Loading and saving tokenizers (see tokenizer.h):
//   tokenizer.json   HF tokenizers format 1.0 with a WordPiece model, BertNormalizer (or
//                    null), BertPreTokenizer, TemplateProcessing / BertProcessing (or null),
//                    WordPiece decoder (or null), added tokens with normalized=false. Anything
//                    else is Error(UNSUPPORTED) naming the field. Its "truncation" and
//                    "padding" sections are ignored: EncodeOptions decide those.
//   vocab.txt        + optional tokenizer_config.json (do_lower_case, strip_accents,
//                    tokenize_chinese_chars, *_token names): the BertTokenizerFast defaults.
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "text/tokenizer.h"
#include "text/tokenizer_impl.h"

namespace bertq::text {
namespace {

using nlohmann::json;

// `callback`, when given, filters the document as nlohmann's parser reads it.
json parse_json_file(const std::string& path, const json::parser_callback_t& callback = nullptr) {
  const std::string text = read_file(path);
  try {
    return json::parse(text, callback);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": invalid JSON: ", e.what()));
  }
}

// tokenizer.json with its model.vocab entries (30k for BERT) taken out into `vocab` as they are
// read, leaving model.vocab an empty object in the document: a std::map node per token in
// nlohmann's document was most of a model's start-up time (`bertq predict`). Entries in file
// order; a value that is not an integer is Error(CORRUPT_FILE) naming it.
json parse_tokenizer_document(const std::string& path,
                              std::vector<std::pair<std::string, int64_t>>* vocab) {
  std::string keys[4];  // the last key read at depths 1..3
  bool in_vocab = false;
  const json::parser_callback_t lift = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (event == E::key && depth <= 3) {
      keys[depth] = parsed.get_ref<const std::string&>();
      return !(depth == 3 && in_vocab);  // an entry: its key is not added to the document
    } else if (event == E::object_start && depth == 2) {
      in_vocab = keys[1] == "model" && keys[2] == "vocab";
    } else if (event == E::object_end && depth == 2) {
      in_vocab = false;
    } else if ((event == E::object_start || event == E::array_start) && depth == 3 && in_vocab) {
      throw Error(ErrorCode::CORRUPT_FILE,
                  cat(path, ": model.vocab.", keys[3], ": expected an integer id"));
    } else if (event == E::value && depth == 3 && in_vocab) {
      check(parsed.is_number_integer(), ErrorCode::CORRUPT_FILE, path, ": model.vocab.", keys[3],
            ": expected an integer id");
      vocab->emplace_back(keys[3], parsed.get<int64_t>());
    }
    return true;
  };
  return parse_json_file(path, lift);
}

[[noreturn]] void unsupported(const std::string& path, const std::string& field,
                              const std::string& what) {
  throw Error(ErrorCode::UNSUPPORTED, cat(path, ": ", field, ": ", what));
}

// A field's value as T, or Error(CORRUPT_FILE) naming it.
template <typename T>
T get_field(const json& obj, const std::string& key, const std::string& path,
            const std::string& field) {
  try {
    return obj.at(key).get<T>();
  } catch (const json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": ", field, ": ", e.what()));
  }
}

template <typename T>
T get_or(const json& obj, const std::string& key, T fallback, const std::string& path,
         const std::string& field) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return fallback;
  return get_field<T>(obj, key, path, field);
}

// Adds the BERT special tokens that exist in the vocabulary as added tokens, as
// BertTokenizerFast does (matched in raw text, not normalized).
void add_default_specials(Tokenizer::Impl& m) {
  for (const std::string* t :
       {&m.pad_token, &m.wp_cfg.unk_token, &m.cls_token, &m.sep_token, &m.mask_token}) {
    const int32_t id = m.vocab.find(*t);
    if (id >= 0) m.added.add({*t, id, true});
  }
}

void set_bert_template(Tokenizer::Impl& m, const std::string& what) {
  const int32_t cls = m.vocab.find(m.cls_token), sep = m.vocab.find(m.sep_token);
  check(cls >= 0 && sep >= 0, ErrorCode::CORRUPT_FILE, what, ": the vocabulary has no ",
        cls < 0 ? m.cls_token : m.sep_token, " token");
  m.post = PostProcessor::bert(cls, sep, m.cls_token, m.sep_token);
}

void apply_bert_options(Tokenizer::Impl& m, bool lowercase, std::optional<bool> strip_accents,
                        bool chinese) {
  m.norm.clean_text = true;
  m.norm.handle_chinese_chars = chinese;
  m.norm.lowercase = lowercase;
  m.strip_accents_setting = strip_accents;
  m.norm.strip_accents = strip_accents.value_or(lowercase);
}

std::string token_name(const json& cfg, const std::string& key, const std::string& fallback,
                       const std::string& path) {
  if (!cfg.contains(key) || cfg.at(key).is_null()) return fallback;
  const json& v = cfg.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v.at("content").is_string())
    return v.at("content").get<std::string>();
  throw Error(ErrorCode::CORRUPT_FILE,
              cat(path, ": ", key, ": expected a string or {\"content\": ...}"));
}

void parse_normalizer(Tokenizer::Impl& m, const json& n, const std::string& path) {
  if (n.is_null()) {
    m.bert_normalizer = false;
    m.norm = {false, false, false, false};
    m.strip_accents_setting = false;
    return;
  }
  const std::string type = get_or<std::string>(n, "type", "", path, "normalizer.type");
  if (type != "BertNormalizer")
    unsupported(path, "normalizer.type", cat("\"", type, "\" (only BertNormalizer or null)"));
  m.norm.clean_text = get_or<bool>(n, "clean_text", true, path, "normalizer.clean_text");
  m.norm.handle_chinese_chars =
      get_or<bool>(n, "handle_chinese_chars", true, path, "normalizer.handle_chinese_chars");
  m.norm.lowercase = get_or<bool>(n, "lowercase", true, path, "normalizer.lowercase");
  if (n.contains("strip_accents") && !n.at("strip_accents").is_null()) {
    m.strip_accents_setting = get_field<bool>(n, "strip_accents", path, "normalizer.strip_accents");
  }
  m.norm.strip_accents = m.strip_accents_setting.value_or(m.norm.lowercase);
}

std::vector<int32_t> special_ids(const json& specials, const std::string& name,
                                 const std::string& path) {
  const std::string field = cat("post_processor.special_tokens.", name);
  if (!specials.is_object() || !specials.contains(name)) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": ", field, ": missing"));
  }
  std::vector<int32_t> ids;
  for (const auto& v :
       get_field<std::vector<int64_t>>(specials.at(name), "ids", path, field + ".ids")) {
    ids.push_back(static_cast<int32_t>(v));
  }
  return ids;
}

std::vector<TemplateItem> parse_template(const json& items, const json& specials,
                                         const std::string& path, const std::string& field) {
  check(items.is_array(), ErrorCode::CORRUPT_FILE, path, ": ", field, ": expected an array");
  std::vector<TemplateItem> out;
  for (size_t i = 0; i < items.size(); ++i) {
    const json& it = items[i];
    const std::string f = cat(field, "[", i, "]");
    TemplateItem t;
    if (it.contains("Sequence")) {
      const std::string id =
          get_field<std::string>(it.at("Sequence"), "id", path, f + ".Sequence.id");
      if (id != "A" && id != "B")
        unsupported(path, f + ".Sequence.id", cat("\"", id, "\" (expected A or B)"));
      t.sequence = id == "A" ? 0 : 1;
      t.name = id;
      t.type_id = get_or<int>(it.at("Sequence"), "type_id", 0, path, f + ".Sequence.type_id");
    } else if (it.contains("SpecialToken")) {
      t.name = get_field<std::string>(it.at("SpecialToken"), "id", path, f + ".SpecialToken.id");
      t.ids = special_ids(specials, t.name, path);
      t.type_id =
          get_or<int>(it.at("SpecialToken"), "type_id", 0, path, f + ".SpecialToken.type_id");
    } else {
      unsupported(path, f, "expected Sequence or SpecialToken");
    }
    out.push_back(std::move(t));
  }
  return out;
}

void parse_post_processor(Tokenizer::Impl& m, const json& p, const std::string& path) {
  if (p.is_null()) {
    m.post = PostProcessor::none();
    return;
  }
  const std::string type = get_or<std::string>(p, "type", "", path, "post_processor.type");
  if (type == "TemplateProcessing") {
    const json specials = p.contains("special_tokens") ? p.at("special_tokens") : json::object();
    m.post.single = parse_template(p.at("single"), specials, path, "post_processor.single");
    m.post.pair = parse_template(p.at("pair"), specials, path, "post_processor.pair");
    for (const auto& it : m.post.single) {
      if (it.sequence == 1) unsupported(path, "post_processor.single", "uses sequence B");
    }
    bool has_a = false, has_b = false;
    for (const auto& it : m.post.pair) (it.sequence == 0 ? has_a : has_b) |= it.sequence >= 0;
    check(has_a && has_b, ErrorCode::CORRUPT_FILE, path, ": post_processor.pair: needs $A and $B");
  } else if (type == "BertProcessing") {
    auto pair_of = [&](const char* key) {
      const json& v = p.at(key);
      check(v.is_array() && v.size() == 2, ErrorCode::CORRUPT_FILE, path, ": post_processor.", key,
            ": expected [token, id]");
      return std::pair{v[0].get<std::string>(), v[1].get<int32_t>()};
    };
    const auto [cls, cls_id] = pair_of("cls");
    const auto [sep, sep_id] = pair_of("sep");
    m.post = PostProcessor::bert(cls_id, sep_id, cls, sep);
    m.cls_token = cls;
    m.sep_token = sep;
  } else {
    unsupported(path, "post_processor.type",
                cat("\"", type, "\" (only TemplateProcessing, BertProcessing or null)"));
  }
}

}  // namespace

Tokenizer Tokenizer::from_tokens(std::vector<std::string> tokens, bool lowercase,
                                 std::optional<bool> strip_accents, bool tokenize_chinese_chars) {
  auto m = std::make_shared<Impl>();
  m->source = "vocabulary";
  m->vocab = Vocab::from_tokens(std::move(tokens));
  apply_bert_options(*m, lowercase, strip_accents, tokenize_chinese_chars);
  add_default_specials(*m);
  set_bert_template(*m, m->source);
  return TokenizerLoader::make(std::move(m));
}

Tokenizer Tokenizer::from_vocab(const std::string& vocab_txt, bool lowercase,
                                std::optional<bool> strip_accents, bool tokenize_chinese_chars) {
  auto m = std::make_shared<Impl>();
  m->source = vocab_txt;
  m->vocab = Vocab::from_file(vocab_txt);
  apply_bert_options(*m, lowercase, strip_accents, tokenize_chinese_chars);
  add_default_specials(*m);
  set_bert_template(*m, vocab_txt);
  return TokenizerLoader::make(std::move(m));
}

namespace {

// tokenizer_config.json keys that transformers applies over the normalizer, where present
// (not over a tokenizer.json without a normalizer).
void apply_config(Tokenizer::Impl& m, const json& cfg, const std::string& path) {
  if (cfg.contains("model_max_length") && cfg.at("model_max_length").is_number()) {
    const double v = cfg.at("model_max_length").get<double>();
    m.model_max_length = v > 0 && v < 1e9 ? static_cast<int>(v) : 0;  // HF writes 1e30: unknown
  }
  if (!m.bert_normalizer) return;
  if (cfg.contains("do_lower_case") && !cfg.at("do_lower_case").is_null()) {
    m.norm.lowercase = get_field<bool>(cfg, "do_lower_case", path, "do_lower_case");
  }
  if (cfg.contains("strip_accents")) {
    m.strip_accents_setting.reset();
    if (!cfg.at("strip_accents").is_null()) {
      m.strip_accents_setting = get_field<bool>(cfg, "strip_accents", path, "strip_accents");
    }
  }
  if (cfg.contains("do_lower_case") || cfg.contains("strip_accents")) {
    m.norm.strip_accents = m.strip_accents_setting.value_or(m.norm.lowercase);
  }
  if (cfg.contains("tokenize_chinese_chars") && !cfg.at("tokenize_chinese_chars").is_null()) {
    m.norm.handle_chinese_chars =
        get_field<bool>(cfg, "tokenize_chinese_chars", path, "tokenize_chinese_chars");
  }
}

std::shared_ptr<Tokenizer::Impl> parse_tokenizer_json(const std::string& path) {
  std::vector<std::pair<std::string, int64_t>> pairs;
  const json j = parse_tokenizer_document(path, &pairs);
  check(j.is_object(), ErrorCode::CORRUPT_FILE, path, ": expected a JSON object");
  auto m = std::make_shared<Tokenizer::Impl>();
  m->source = path;
  const json& model = j.contains("model") ? j.at("model") : json();
  check(model.is_object(), ErrorCode::CORRUPT_FILE, path, ": model: missing");
  const std::string type = get_or<std::string>(model, "type", "WordPiece", path, "model.type");
  if (type != "WordPiece") unsupported(path, "model.type", cat("\"", type, "\" (only WordPiece)"));
  const json& vocab = model.contains("vocab") ? model.at("vocab") : json();
  check(vocab.is_object(), ErrorCode::CORRUPT_FILE, path, ": model.vocab: expected an object");
  m->vocab = Vocab::from_pairs(pairs, path + ": model.vocab");
  m->wp_cfg.unk_token = get_or<std::string>(model, "unk_token", "[UNK]", path, "model.unk_token");
  m->wp_cfg.continuing_subword_prefix = get_or<std::string>(
      model, "continuing_subword_prefix", "##", path, "model.continuing_subword_prefix");
  m->wp_cfg.max_input_chars_per_word =
      get_or<int>(model, "max_input_chars_per_word", 100, path, "model.max_input_chars_per_word");

  parse_normalizer(*m, j.value("normalizer", json()), path);
  const json pre = j.value("pre_tokenizer", json());
  const std::string pre_type = pre.is_object() ? pre.value("type", "") : "null";
  if (pre_type != "BertPreTokenizer") {
    unsupported(path, "pre_tokenizer.type", cat("\"", pre_type, "\" (only BertPreTokenizer)"));
  }
  parse_post_processor(*m, j.value("post_processor", json()), path);

  const json dec = j.value("decoder", json());
  if (!dec.is_null()) {
    const std::string dt = get_or<std::string>(dec, "type", "", path, "decoder.type");
    if (dt != "WordPiece")
      unsupported(path, "decoder.type", cat("\"", dt, "\" (only WordPiece or null)"));
    const std::string prefix = get_or<std::string>(dec, "prefix", "##", path, "decoder.prefix");
    if (prefix != m->wp_cfg.continuing_subword_prefix) {
      unsupported(path, "decoder.prefix",
                  cat("\"", prefix, "\" differs from model.continuing_subword_prefix"));
    }
    m->decoder_cleanup = get_or<bool>(dec, "cleanup", true, path, "decoder.cleanup");
  }

  const json added = j.value("added_tokens", json::array());
  check(added.is_array(), ErrorCode::CORRUPT_FILE, path, ": added_tokens: expected an array");
  for (size_t i = 0; i < added.size(); ++i) {
    const json& a = added[i];
    const std::string f = cat("added_tokens[", i, "]");
    const std::string content = get_field<std::string>(a, "content", path, f + ".content");
    for (const char* flag : {"normalized", "single_word", "lstrip", "rstrip"}) {
      if (get_or<bool>(a, flag, false, path, f + "." + flag)) {
        unsupported(path, cat(f, ".", flag),
                    cat("true for \"", content, "\" (only false is supported)"));
      }
    }
    const int32_t id = m->vocab.find(content);
    if (id < 0) unsupported(path, f, cat("\"", content, "\" is not in model.vocab"));
    m->added.add({content, id, get_or<bool>(a, "special", false, path, f + ".special")});
  }
  for (const auto& t : m->added.tokens()) {
    if (t.content == "[PAD]" || t.content == "<pad>") m->pad_token = t.content;
    if (t.content == "[MASK]" || t.content == "<mask>") m->mask_token = t.content;
  }
  if (m->post.single.size() == 3 && m->post.single[0].sequence < 0)
    m->cls_token = m->post.single[0].name;
  if (m->post.single.size() == 3 && m->post.single[2].sequence < 0)
    m->sep_token = m->post.single[2].name;
  return m;
}

}  // namespace

Tokenizer Tokenizer::from_tokenizer_json(const std::string& path) {
  return TokenizerLoader::make(parse_tokenizer_json(path));
}

Tokenizer Tokenizer::from_path(const std::string& path) {
  if (dir_exists(path)) return from_folder(path);
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
    return from_tokenizer_json(path);
  }
  check(file_exists(path), ErrorCode::NOT_FOUND, "tokenizer ", path, ": no such folder or file");
  return from_vocab(path);
}

Tokenizer Tokenizer::from_folder(const std::string& dir) {
  const std::string cfg_path = join_path(dir, "tokenizer_config.json");
  json cfg = json::object();
  if (file_exists(cfg_path)) cfg = parse_json_file(cfg_path);
  check(cfg.is_object(), ErrorCode::CORRUPT_FILE, cfg_path, ": expected a JSON object");
  const std::string tj = join_path(dir, "tokenizer.json");
  if (file_exists(tj)) {
    auto m = parse_tokenizer_json(tj);
    apply_config(*m, cfg, cfg_path);
    return TokenizerLoader::make(std::move(m));
  }
  const std::string vocab = join_path(dir, "vocab.txt");
  check(file_exists(vocab), ErrorCode::NOT_FOUND, "tokenizer folder ", dir,
        ": neither tokenizer.json nor vocab.txt found");
  auto m = std::make_shared<Impl>();
  m->source = vocab;
  m->vocab = Vocab::from_file(vocab);
  std::optional<bool> strip;
  if (cfg.contains("strip_accents") && !cfg.at("strip_accents").is_null()) {
    strip = get_field<bool>(cfg, "strip_accents", cfg_path, "strip_accents");
  }
  apply_bert_options(
      *m, get_or<bool>(cfg, "do_lower_case", true, cfg_path, "do_lower_case"), strip,
      get_or<bool>(cfg, "tokenize_chinese_chars", true, cfg_path, "tokenize_chinese_chars"));
  m->wp_cfg.unk_token = token_name(cfg, "unk_token", "[UNK]", cfg_path);
  m->cls_token = token_name(cfg, "cls_token", "[CLS]", cfg_path);
  m->sep_token = token_name(cfg, "sep_token", "[SEP]", cfg_path);
  m->pad_token = token_name(cfg, "pad_token", "[PAD]", cfg_path);
  m->mask_token = token_name(cfg, "mask_token", "[MASK]", cfg_path);
  apply_config(*m, cfg, cfg_path);
  add_default_specials(*m);
  set_bert_template(*m, vocab);
  return TokenizerLoader::make(std::move(m));
}

void Tokenizer::save(const std::string& dir) const {
  const Impl& m = *impl_;
  make_dirs(dir);
  write_file_atomic(join_path(dir, "vocab.txt"), m.vocab.to_text());

  const json strip = m.strip_accents_setting ? json(*m.strip_accents_setting) : json();
  json cfg = {{"do_lower_case", m.norm.lowercase},
              {"strip_accents", strip},
              {"tokenize_chinese_chars", m.norm.handle_chinese_chars},
              {"unk_token", m.wp_cfg.unk_token},
              {"cls_token", m.cls_token},
              {"sep_token", m.sep_token},
              {"pad_token", m.pad_token},
              {"mask_token", m.mask_token},
              {"tokenizer_class", "BertTokenizer"}};
  if (m.model_max_length > 0) cfg["model_max_length"] = m.model_max_length;
  write_file_atomic(join_path(dir, "tokenizer_config.json"), cfg.dump(2) + "\n");

  json j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  json added = json::array();
  for (const auto& t : m.added.tokens()) {
    added.push_back({{"id", t.id},
                     {"content", t.content},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", t.special}});
  }
  j["added_tokens"] = added;
  j["normalizer"] = {{"type", "BertNormalizer"},
                     {"clean_text", m.norm.clean_text},
                     {"handle_chinese_chars", m.norm.handle_chinese_chars},
                     {"strip_accents", json(m.norm.strip_accents)},
                     {"lowercase", m.norm.lowercase}};
  j["pre_tokenizer"] = {{"type", "BertPreTokenizer"}};
  json specials = json::object();
  auto items = [&](const std::vector<TemplateItem>& tpl) {
    json arr = json::array();
    for (const auto& it : tpl) {
      if (it.sequence >= 0) {
        arr.push_back({{"Sequence", {{"id", it.name}, {"type_id", it.type_id}}}});
      } else {
        arr.push_back({{"SpecialToken", {{"id", it.name}, {"type_id", it.type_id}}}});
        json toks = json::array();
        for (int32_t id : it.ids) toks.push_back(m.vocab.token(id));
        specials[it.name] = {{"id", it.name}, {"ids", it.ids}, {"tokens", toks}};
      }
    }
    return arr;
  };
  json single = items(m.post.single), pair = items(m.post.pair);
  j["post_processor"] = {{"type", "TemplateProcessing"},
                         {"single", single},
                         {"pair", pair},
                         {"special_tokens", specials}};
  j["decoder"] = {{"type", "WordPiece"},
                  {"prefix", m.wp_cfg.continuing_subword_prefix},
                  {"cleanup", m.decoder_cleanup}};
  json vocab = json::object();
  for (size_t i = 0; i < m.vocab.size(); ++i) vocab[m.vocab.token(static_cast<int32_t>(i))] = i;
  j["model"] = {{"type", "WordPiece"},
                {"unk_token", m.wp_cfg.unk_token},
                {"continuing_subword_prefix", m.wp_cfg.continuing_subword_prefix},
                {"max_input_chars_per_word", m.wp_cfg.max_input_chars_per_word},
                {"vocab", vocab}};
  write_file_atomic(join_path(dir, "tokenizer.json"),
                    j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace bertq::text
