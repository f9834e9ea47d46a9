// fuzz-libs: text io core
// Fuzz target for the JSON model files: config.json (io::BertConfig with its "bertq"
// tokenization block) and tokenizer.json + tokenizer_config.json (text::Tokenizer::from_folder).
// The first byte picks the file; its next bit says whether the rest is the whole file or a JSON
// merge patch applied to a valid file (so mutations reach the deep field checks instead of
// stopping at the first missing key). Only bertq::Error may escape. What loads must survive a
// save + load round trip unchanged: the config's JSON, and the tokenizer's ids for a few texts.
//   scripts/fuzz.sh config_json_fuzz 600
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "io/bert_config.h"
#include "text/tokenizer.h"

namespace {

using namespace bertq;
using fuzz::bug;
using nlohmann::json;

// The scratch folder: the valid templates, the current input, the round trips.
const std::string& scratch() {
  return fuzz::scratch_dir("config-fuzz", [](const std::string& d) {
    make_dirs(join_path(d, "template"));
    text::Tokenizer::from_tokens({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##b", "c"})
        .save(join_path(d, "template"));
  });
}

json valid_config() {
  return {{"vocab_size", 8},
          {"hidden_size", 4},
          {"num_hidden_layers", 1},
          {"num_attention_heads", 2},
          {"intermediate_size", 8},
          {"max_position_embeddings", 16},
          {"hidden_act", "gelu"},
          {"id2label", {{"0", "NEG"}, {"1", "POS"}}},
          {"bertq", {{"max_length", 12}, {"truncation", "head+tail"}}}};
}

// The input as a JSON value: itself, or merged into `base` (RFC 7386) when `patch` is set.
bool to_json(const std::string& text, bool patch, json base, json& out) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return false;
  if (!patch) {
    out = j;
    return true;
  }
  base.merge_patch(j);
  out = std::move(base);
  return true;
}

void fuzz_config(const std::string& text, bool patch) {
  json j;
  if (!to_json(text, patch, valid_config(), j)) return;
  const io::BertConfig c = io::BertConfig::from_json(j, "fuzz/config.json");
  const std::string path = join_path(scratch(), "config.json");
  c.save(path);
  if (io::BertConfig::load(path).to_json() != c.to_json()) bug();
}

void fuzz_tokenizer(const std::string& text, bool patch, bool config_file) {
  const std::string name = config_file ? "tokenizer_config.json" : "tokenizer.json";
  const std::string in = join_path(scratch(), "in");
  make_dirs(in);
  for (const char* f : {"tokenizer.json", "tokenizer_config.json", "vocab.txt"})
    write_file_atomic(join_path(in, f), read_file(join_path(join_path(scratch(), "template"), f)));
  json j;
  if (!to_json(text, patch, json::parse(read_file(join_path(in, name))), j)) return;
  write_file_atomic(join_path(in, name), j.dump(-1, ' ', false, json::error_handler_t::replace));
  const text::Tokenizer tok = text::Tokenizer::from_folder(in);
  const std::string out = join_path(scratch(), "out");
  tok.save(out);
  const text::Tokenizer again = text::Tokenizer::from_folder(out);
  for (const char* s : {"a b c", "ab\xC3\xA9 [MASK] x", ""}) {
    if (tok.encode(s).ids != again.encode(s).ids) bug();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_input(data, size, [](uint8_t mode, const std::string& rest) {
    const bool patch = mode & 4;
    switch (mode % 3) {
      case 0:
        fuzz_config(rest, patch);
        break;
      case 1:
        fuzz_tokenizer(rest, patch, false);
        break;
      default:
        fuzz_tokenizer(rest, patch, true);
        break;
    }
  });
}
