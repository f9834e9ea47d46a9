// Byte-level BPE tokenizers from vocab.json + merges.txt (see bpe_tokenizer.h): the
// tokenizer.json document transformers' RobertaConverter builds, then load_bpe_tokenizer.
#include <algorithm>
#include <map>

#include "core/file_util.h"
#include "text/bpe_tokenizer.h"
#include "text/tokenizer_json.h"

namespace bertq::text {
namespace {

using nlohmann::json;

// merges.txt as transformers' RobertaTokenizer reads it: split("\n")[1:-1], each line split on
// whitespace into exactly two tokens.
json read_merges(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string> lines;
  size_t b = 0;
  for (;;) {
    const size_t e = text.find('\n', b);
    lines.push_back(text.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  json merges = json::array();
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    std::vector<std::string> parts;
    const std::string& l = lines[i];
    for (size_t p = 0; p < l.size();) {
      while (p < l.size() && std::isspace(static_cast<unsigned char>(l[p]))) ++p;
      size_t q = p;
      while (q < l.size() && !std::isspace(static_cast<unsigned char>(l[q]))) ++q;
      if (q > p) parts.push_back(l.substr(p, q - p));
      p = q;
    }
    check(parts.size() == 2, ErrorCode::CORRUPT_FILE, path, ": line ", i + 1, ": \"", l,
          "\" is not two tokens");
    merges.push_back(parts[0] + " " + parts[1]);
  }
  return merges;
}

}  // namespace

void load_bpe_files(Tokenizer::Impl& m, const std::string& dir, const json& cfg) {
  const std::string vocab_path = join_path(dir, "vocab.json");
  const std::string merges_path = join_path(dir, "merges.txt");
  const std::string cfg_path = join_path(dir, "tokenizer_config.json");
  const std::string map_path = join_path(dir, "special_tokens_map.json");
  const json vocab_doc = parse_json_file(vocab_path);
  check(vocab_doc.is_object(), ErrorCode::CORRUPT_FILE, vocab_path, ": expected a JSON object");
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const auto& [tok, id] : vocab_doc.items()) {
    check(id.is_number_integer(), ErrorCode::CORRUPT_FILE, vocab_path, ": ", tok,
          ": expected an integer id");
    pairs.emplace_back(tok, id.get<int64_t>());
  }
  // added_tokens.json (tokens transformers added beyond the vocabulary): only entries that
  // vocab.json already has, with the same id, are accepted.
  const std::string added_path = join_path(dir, "added_tokens.json");
  if (file_exists(added_path)) {
    const json extra = parse_json_file(added_path);
    check(extra.is_object(), ErrorCode::CORRUPT_FILE, added_path, ": expected a JSON object");
    for (const auto& [tok, id] : extra.items()) {
      if (!vocab_doc.contains(tok) || vocab_doc.at(tok) != id) {
        unsupported(added_path, tok,
                    cat("id ", id.dump(), " is not ", vocab_path,
                        "'s (tokens beyond the vocabulary are not supported)"));
      }
    }
  }
  json map = json::object();
  if (file_exists(map_path)) map = parse_json_file(map_path);
  // tokenizer_config.json's names win over special_tokens_map.json's.
  auto name = [&](const char* key, const char* fallback) {
    return token_name(cfg, key, token_name(map, key, fallback, map_path), cfg_path);
  };
  const bool add_prefix_space =
      get_or<bool>(cfg, "add_prefix_space", false, cfg_path, "add_prefix_space");
  const bool trim = get_or<bool>(cfg, "trim_offsets", true, cfg_path, "trim_offsets");
  const std::string cls = name("cls_token", "<s>"), sep = name("sep_token", "</s>");
  std::map<int64_t, std::string> id_of_pairs;
  for (const auto& [tok, id] : pairs) id_of_pairs[id] = tok;
  auto id_of = [&](const std::string& tok, const char* key) {
    for (const auto& [t, id] : pairs)
      if (t == tok) return id;
    unsupported(cfg_path, key,
                cat("\"", tok, "\" is not in ", vocab_path, " (adding tokens is not supported)"));
  };

  json added = json::array();
  if (cfg.contains("added_tokens_decoder") && cfg.at("added_tokens_decoder").is_object()) {
    std::vector<std::pair<int64_t, json>> entries;
    for (const auto& [key, v] : cfg.at("added_tokens_decoder").items()) {
      json e = v;
      e["id"] = std::stoll(key);
      entries.emplace_back(std::stoll(key), e);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [id, e] : entries) added.push_back(e);
  } else {
    // transformers' order: bos eos unk sep pad cls mask; RobertaTokenizer's <mask> has lstrip.
    std::vector<std::string> seen;
    for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                            "cls_token", "mask_token"}) {
      const std::string def =
          std::string(key) == "bos_token" || std::string(key) == "cls_token" ? "<s>"
          : std::string(key) == "eos_token" || std::string(key) == "sep_token"
              ? "</s>"
              : "<" + std::string(key).substr(0, std::string(key).find('_')) + ">";
      const std::string tok = name(key, def.c_str());
      if (std::find(seen.begin(), seen.end(), tok) != seen.end()) continue;
      seen.push_back(tok);
      const bool mask = std::string(key) == "mask_token";
      added.push_back({{"id", id_of(tok, key)},
                       {"content", tok},
                       {"single_word", false},
                       {"lstrip", mask},
                       {"rstrip", false},
                       {"normalized", !mask},
                       {"special", true}});
    }
    std::sort(added.begin(), added.end(),
              [](const json& a, const json& b) { return a["id"] < b["id"]; });
  }

  json vocab_obj = json::object();
  for (const auto& [id, tok] : id_of_pairs) vocab_obj[tok] = id;
  json doc = {{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", added},
              {"normalizer", nullptr},
              {"pre_tokenizer",
               {{"type", "ByteLevel"},
                {"add_prefix_space", add_prefix_space},
                {"trim_offsets", true},
                {"use_regex", true}}},
              {"post_processor",
               {{"type", "RobertaProcessing"},
                {"sep", {sep, id_of(sep, "sep_token")}},
                {"cls", {cls, id_of(cls, "cls_token")}},
                {"trim_offsets", trim},
                {"add_prefix_space", add_prefix_space}}},
              {"decoder",
               {{"type", "ByteLevel"},
                {"add_prefix_space", true},
                {"trim_offsets", true},
                {"use_regex", true}}},
              {"model",
               {{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", nullptr},
                {"continuing_subword_prefix", ""},
                {"end_of_word_suffix", ""},
                {"fuse_unk", false},
                {"byte_fallback", false},
                {"ignore_merges", false},
                {"vocab", vocab_obj},
                {"merges", read_merges(merges_path)}}}};
  load_bpe_tokenizer(m, doc, pairs, vocab_path);
  m.source = vocab_path;
  m.tokenizer_json = doc.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
}

}  // namespace bertq::text
