// Loading and saving tokenizers (see tokenizer.h):
//   tokenizer.json   HF tokenizers format 1.0. model.type picks the kind: WordPiece (here:
//                    BertNormalizer or null, BertPreTokenizer, WordPiece decoder or null),
//                    BPE (bpe_tokenizer.h), Unigram (unigram_tokenizer.h); post-processor and
//                    added tokens as tokenizer_json.h reads them. Anything else is
//                    Error(UNSUPPORTED) naming the field. Its "truncation" and "padding"
//                    sections are ignored: EncodeOptions decide those.
//   vocab.json + merges.txt  byte-level BPE without tokenizer.json (bpe_tokenizer.h)
//   sentencepiece.bpe.model (no tokenizer.json): XLM-RoBERTa's Unigram (unigram_tokenizer.h).
//   vocab.txt        + optional tokenizer_config.json (do_lower_case, strip_accents,
//                    tokenize_chinese_chars, *_token names): the BertTokenizerFast defaults.
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "text/bpe_tokenizer.h"
#include "text/tokenizer.h"
#include "text/tokenizer_impl.h"
#include "text/tokenizer_json.h"
#include "text/unigram_tokenizer.h"

namespace bertq::text {
namespace {

using nlohmann::json;

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
  if (m.kind == TokenizerKind::BPE) {
    // RobertaTokenizerFast would rewrite tokenizer.json's settings from these (the
    // pre-tokenizer's add_prefix_space, and the post-processor's two where it has them); bertq
    // follows tokenizer.json and refuses a config that disagrees with it.
    std::vector<std::pair<const char*, bool>> settings = {{"add_prefix_space", m.add_prefix_space}};
    if (m.post.has_trim_settings) {
      settings.push_back({"add_prefix_space", m.post.trim_add_prefix_space});
      settings.push_back({"trim_offsets", m.post.trim_offsets});
    }
    for (const auto& [key, value] : settings) {
      if (cfg.contains(key) && !cfg.at(key).is_null() &&
          get_field<bool>(cfg, key, path, key) != value) {
        unsupported(path, key,
                    cat(cfg.at(key).dump(), " differs from tokenizer.json's ",
                        value ? "true" : "false", " (overriding tokenizer.json is not supported)"));
      }
    }
  }
  if (m.kind != TokenizerKind::WORDPIECE || !m.bert_normalizer) return;
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

// The WordPiece kind: BertNormalizer (or null), BertPreTokenizer, WordPiece decoder (or null).
void load_wordpiece_tokenizer(Tokenizer::Impl& m, const json& j,
                              const std::vector<std::pair<std::string, int64_t>>& pairs,
                              const std::string& path) {
  const json& model = j.at("model");
  const json& vocab = model.contains("vocab") ? model.at("vocab") : json();
  check(vocab.is_object(), ErrorCode::CORRUPT_FILE, path, ": model.vocab: expected an object");
  m.vocab = Vocab::from_pairs(pairs, path + ": model.vocab");
  m.wp_cfg.unk_token = get_or<std::string>(model, "unk_token", "[UNK]", path, "model.unk_token");
  m.wp_cfg.continuing_subword_prefix = get_or<std::string>(model, "continuing_subword_prefix", "##",
                                                           path, "model.continuing_subword_prefix");
  m.wp_cfg.max_input_chars_per_word =
      get_or<int>(model, "max_input_chars_per_word", 100, path, "model.max_input_chars_per_word");
  m.unk_token = m.wp_cfg.unk_token;

  parse_normalizer(m, j.value("normalizer", json()), path);
  const json pre = j.value("pre_tokenizer", json());
  const std::string pre_type = pre.is_object() ? pre.value("type", "") : "null";
  if (pre_type != "BertPreTokenizer") {
    unsupported(path, "pre_tokenizer.type",
                cat("\"", pre_type, "\" (a WordPiece model needs BertPreTokenizer)"));
  }
  parse_post_processor(m, j.value("post_processor", json()), path);

  const json dec = j.value("decoder", json());
  if (!dec.is_null()) {
    const std::string dt = get_or<std::string>(dec, "type", "", path, "decoder.type");
    if (dt != "WordPiece")
      unsupported(path, "decoder.type", cat("\"", dt, "\" (only WordPiece or null)"));
    const std::string prefix = get_or<std::string>(dec, "prefix", "##", path, "decoder.prefix");
    if (prefix != m.wp_cfg.continuing_subword_prefix) {
      unsupported(path, "decoder.prefix",
                  cat("\"", prefix, "\" differs from model.continuing_subword_prefix"));
    }
    m.decoder_cleanup = get_or<bool>(dec, "cleanup", true, path, "decoder.cleanup");
  }
  parse_added_tokens(m, j.value("added_tokens", json::array()), path);
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
  if (type == "WordPiece") {
    load_wordpiece_tokenizer(*m, j, pairs, path);
  } else if (type == "BPE") {
    load_bpe_tokenizer(*m, j, pairs, path);
  } else if (type == "Unigram") {
    m->kind = TokenizerKind::UNIGRAM;
    load_unigram_tokenizer(*m, j, path);
  } else {
    unsupported(path, "model.type", cat("\"", type, "\" (only WordPiece, BPE or Unigram)"));
  }
  if (m->kind != TokenizerKind::WORDPIECE) m->tokenizer_json = read_file(path);
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
  if (file_exists(join_path(dir, "vocab.json")) && file_exists(join_path(dir, "merges.txt"))) {
    auto m = std::make_shared<Impl>();
    load_bpe_files(*m, dir, cfg);
    apply_config(*m, cfg, cfg_path);
    return TokenizerLoader::make(std::move(m));
  }
  const std::string vocab = join_path(dir, "vocab.txt");
  const std::string spm = join_path(dir, "sentencepiece.bpe.model");
  if (!file_exists(vocab) && file_exists(spm)) {
    auto m = std::make_shared<Impl>();
    m->source = spm;
    m->kind = TokenizerKind::UNIGRAM;
    load_sentencepiece_tokenizer(*m, spm);
    apply_config(*m, cfg, cfg_path);
    return TokenizerLoader::make(std::move(m));
  }
  check(file_exists(vocab), ErrorCode::NOT_FOUND, "tokenizer folder ", dir,
        ": none of tokenizer.json, vocab.json + merges.txt, sentencepiece.bpe.model or vocab.txt "
        "found");
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
  if (m.kind != TokenizerKind::WORDPIECE) {
    // BPE / Unigram: the tokenizer.json as it was read, and the special tokens' names.
    json cfg = {{"bos_token", m.cls_token}, {"cls_token", m.cls_token},
                {"eos_token", m.sep_token}, {"sep_token", m.sep_token},
                {"pad_token", m.pad_token}, {"mask_token", m.mask_token}};
    if (!m.unk_token.empty()) cfg["unk_token"] = m.unk_token;
    if (m.model_max_length > 0) cfg["model_max_length"] = m.model_max_length;
    write_file_atomic(join_path(dir, "tokenizer_config.json"), cfg.dump(2) + "\n");
    write_file_atomic(join_path(dir, "tokenizer.json"), m.tokenizer_json);
    return;
  }
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
