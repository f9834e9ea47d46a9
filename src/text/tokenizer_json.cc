// tokenizer.json helpers (see tokenizer_json.h).
#include "text/tokenizer_json.h"

#include "core/file_util.h"

namespace bertq::text {

using nlohmann::json;

json parse_json_file(const std::string& path, const json::parser_callback_t& callback) {
  const std::string text = read_file(path);
  try {
    return json::parse(text, callback);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": invalid JSON: ", e.what()));
  }
}

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

namespace {

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

// BertProcessing / RobertaProcessing's "cls" / "sep": [token, id].
std::pair<std::string, int32_t> token_and_id(const json& p, const char* key,
                                             const std::string& path) {
  const std::string field = cat("post_processor.", key);
  check(p.contains(key), ErrorCode::CORRUPT_FILE, path, ": ", field, ": missing");
  const json& v = p.at(key);
  check(v.is_array() && v.size() == 2 && v[0].is_string() && v[1].is_number_integer(),
        ErrorCode::CORRUPT_FILE, path, ": ", field, ": expected [token, id]");
  return {v[0].get<std::string>(), v[1].get<int32_t>()};
}

}  // namespace

std::string token_name(const json& cfg, const std::string& key, const std::string& fallback,
                       const std::string& path) {
  if (!cfg.is_object() || !cfg.contains(key) || cfg.at(key).is_null()) return fallback;
  const json& v = cfg.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v.at("content").is_string())
    return v.at("content").get<std::string>();
  throw Error(ErrorCode::CORRUPT_FILE,
              cat(path, ": ", key, ": expected a string or {\"content\": ...}"));
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
    const auto [cls, cls_id] = token_and_id(p, "cls", path);
    const auto [sep, sep_id] = token_and_id(p, "sep", path);
    m.post = PostProcessor::bert(cls_id, sep_id, cls, sep);
    m.cls_token = cls;
    m.sep_token = sep;
  } else if (type == "ByteLevel") {
    // Adds no special tokens; only trims offsets (byte-level BPE tokenizers).
    if (m.kind != TokenizerKind::BPE) {
      unsupported(path, "post_processor.type", "\"ByteLevel\" (only with a byte-level BPE model)");
    }
    m.post = PostProcessor::none();
    m.post.has_trim_settings = true;
    m.post.trim_offsets =
        get_or<bool>(p, "trim_offsets", true, path, "post_processor.trim_offsets");
    m.post.trim_add_prefix_space =
        get_or<bool>(p, "add_prefix_space", true, path, "post_processor.add_prefix_space");
    return;
  } else if (type == "RobertaProcessing") {
    const auto [cls, cls_id] = token_and_id(p, "cls", path);
    const auto [sep, sep_id] = token_and_id(p, "sep", path);
    auto special = [](const std::string& name, int32_t id) {
      TemplateItem t;
      t.name = name;
      t.ids = {id};
      return t;
    };
    TemplateItem a, b;
    a.sequence = 0;
    a.name = "A";
    b.sequence = 1;
    b.name = "B";
    m.post.single = {special(cls, cls_id), a, special(sep, sep_id)};
    m.post.pair = {special(cls, cls_id), a, special(sep, sep_id),
                   special(sep, sep_id), b, special(sep, sep_id)};
    m.post.has_trim_settings = true;
    m.post.trim_offsets =
        get_or<bool>(p, "trim_offsets", true, path, "post_processor.trim_offsets");
    m.post.trim_add_prefix_space =
        get_or<bool>(p, "add_prefix_space", true, path, "post_processor.add_prefix_space");
  } else {
    unsupported(
        path, "post_processor.type",
        cat("\"", type, "\" (only TemplateProcessing, BertProcessing, RobertaProcessing or null)"));
  }
  if (m.post.single.size() == 3 && m.post.single[0].sequence < 0)
    m.cls_token = m.post.single[0].name;
  if (m.post.single.size() == 3 && m.post.single[2].sequence < 0)
    m.sep_token = m.post.single[2].name;
}

void parse_added_tokens(Tokenizer::Impl& m, const json& added, const std::string& path) {
  check(added.is_array(), ErrorCode::CORRUPT_FILE, path, ": added_tokens: expected an array");
  for (size_t i = 0; i < added.size(); ++i) {
    const json& a = added[i];
    const std::string f = cat("added_tokens[", i, "]");
    const std::string content = get_field<std::string>(a, "content", path, f + ".content");
    if (get_or<bool>(a, "single_word", false, path, f + ".single_word")) {
      unsupported(path, f + ".single_word",
                  cat("true for \"", content, "\" (only false is supported)"));
    }
    AddedToken t{content, -1, get_or<bool>(a, "special", false, path, f + ".special")};
    t.lstrip = get_or<bool>(a, "lstrip", false, path, f + ".lstrip");
    t.rstrip = get_or<bool>(a, "rstrip", false, path, f + ".rstrip");
    // Matched in normalized text: the same as raw text when there is no normalizer.
    t.normalized = get_or<bool>(a, "normalized", false, path, f + ".normalized");
    if (t.normalized && m.kind == TokenizerKind::WORDPIECE && m.bert_normalizer) {
      unsupported(path, f + ".normalized",
                  cat("true for \"", content,
                      "\" (supported for WordPiece tokenizers without a normalizer, BPE and "
                      "Unigram)"));
    }
    t.id = m.vocab.find(content);
    if (t.id < 0) unsupported(path, f, cat("\"", content, "\" is not in model.vocab"));
    const int64_t listed = get_or<int64_t>(a, "id", t.id, path, f + ".id");
    if (listed != t.id) {
      unsupported(path, f + ".id",
                  cat(listed, " for \"", content, "\", which model.vocab has as ", t.id));
    }
    m.added.add(std::move(t));
  }
  for (const auto& t : m.added.tokens()) {
    if (t.content == "[PAD]" || t.content == "<pad>") m.pad_token = t.content;
    if (t.content == "[MASK]" || t.content == "<mask>") m.mask_token = t.content;
  }
}

}  // namespace bertq::text
