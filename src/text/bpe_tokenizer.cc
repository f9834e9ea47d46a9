// BPE tokenizers from tokenizer.json (see bpe_tokenizer.h); vocab.json + merges.txt folders
// are in bpe_files.cc.
#include "text/bpe_tokenizer.h"

#include "text/bpe_text_model.h"
#include "text/tokenizer_json.h"

namespace bertq::text {
namespace {

using nlohmann::json;

std::vector<std::pair<std::string, std::string>> parse_merges(const json& merges,
                                                              const std::string& path) {
  check(merges.is_array(), ErrorCode::CORRUPT_FILE, path, ": model.merges: expected an array");
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const json& e = merges[i];
    if (e.is_string()) {
      // HF splits on ' ' and needs exactly two parts.
      const std::string& s = e.get_ref<const std::string&>();
      const size_t sp = s.find(' ');
      check(sp != std::string::npos && sp > 0 && sp + 1 < s.size() &&
                s.find(' ', sp + 1) == std::string::npos,
            ErrorCode::CORRUPT_FILE, path, ": model.merges[", i, "]: \"", s,
            "\" is not two tokens separated by one space");
      out.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else {
      check(e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string(),
            ErrorCode::CORRUPT_FILE, path, ": model.merges[", i,
            "]: expected \"left right\" or [left, right]");
      out.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    }
  }
  return out;
}

void require_empty(const json& model, const char* key, const std::string& path) {
  const std::string v = get_or<std::string>(model, key, "", path, cat("model.", key));
  if (!v.empty()) unsupported(path, cat("model.", key), cat("\"", v, "\" (only null or \"\")"));
}

}  // namespace

void load_bpe_tokenizer(Tokenizer::Impl& m, const json& doc,
                        const std::vector<std::pair<std::string, int64_t>>& vocab,
                        const std::string& path) {
  m.kind = TokenizerKind::BPE;
  const json& model = doc.at("model");
  m.vocab = Vocab::from_pairs(vocab, path + ": model.vocab");

  const json norm = doc.value("normalizer", json());
  if (!norm.is_null()) {
    const std::string t = norm.is_object() ? norm.value("type", "?") : "?";
    unsupported(path, "normalizer.type",
                cat("\"", t, "\" (a byte-level BPE tokenizer needs normalizer null)"));
  }
  m.bert_normalizer = false;

  const json pre = doc.value("pre_tokenizer", json());
  const std::string pre_type =
      pre.is_object() ? get_or<std::string>(pre, "type", "", path, "pre_tokenizer.type") : "null";
  if (pre_type != "ByteLevel") {
    unsupported(path, "pre_tokenizer.type",
                cat("\"", pre_type, "\" (a BPE model needs the ByteLevel pre-tokenizer)"));
  }
  ByteLevelConfig bl;
  bl.add_prefix_space =
      get_or<bool>(pre, "add_prefix_space", true, path, "pre_tokenizer.add_prefix_space");
  bl.use_regex = get_or<bool>(pre, "use_regex", true, path, "pre_tokenizer.use_regex");
  m.add_prefix_space = bl.add_prefix_space;

  if (model.contains("dropout") && !model.at("dropout").is_null()) {
    unsupported(path, "model.dropout", cat(model.at("dropout").dump(), " (only null)"));
  }
  require_empty(model, "continuing_subword_prefix", path);
  require_empty(model, "end_of_word_suffix", path);
  if (get_or<bool>(model, "byte_fallback", false, path, "model.byte_fallback")) {
    unsupported(path, "model.byte_fallback", "true (only false)");
  }
  BpeOptions opt;
  opt.fuse_unk = get_or<bool>(model, "fuse_unk", false, path, "model.fuse_unk");
  opt.ignore_merges = get_or<bool>(model, "ignore_merges", false, path, "model.ignore_merges");
  m.unk_token = get_or<std::string>(model, "unk_token", "", path, "model.unk_token");
  if (!m.unk_token.empty()) {
    opt.unk_id = m.vocab.find(m.unk_token);
    check(opt.unk_id >= 0, ErrorCode::CORRUPT_FILE, path, ": model.unk_token: \"", m.unk_token,
          "\" is not in model.vocab");
  }
  const json merges = model.contains("merges") ? model.at("merges") : json::array();
  Bpe bpe(m.vocab, parse_merges(merges, path), opt, path + ": model.merges");

  const json dec = doc.value("decoder", json());
  const std::string dec_type =
      dec.is_object() ? get_or<std::string>(dec, "type", "", path, "decoder.type") : "null";
  if (dec_type != "ByteLevel") {
    unsupported(path, "decoder.type",
                cat("\"", dec_type, "\" (a byte-level BPE tokenizer needs the ByteLevel decoder)"));
  }
  parse_post_processor(m, doc.value("post_processor", json()), path);
  parse_added_tokens(m, doc.value("added_tokens", json::array()), path);
  m.model = std::make_unique<BpeTextModel>(m.vocab, std::move(bpe), bl);
}

}  // namespace bertq::text
