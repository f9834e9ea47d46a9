// init_model_folder: a randomly initialised model folder with its tokenizer files (the
// library side of `bertq init`; see init_model.h).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"
#include "io/model_folder.h"

namespace bertq::io {

int tokenizer_vocab_size(const std::string& dir) {
  const std::string vocab = join_path(dir, "vocab.txt");
  if (file_exists(vocab)) return count_vocab_lines(vocab);
  const std::string tok = join_path(dir, "tokenizer.json");
  check(file_exists(tok), ErrorCode::NOT_FOUND, dir, ": no vocab.txt or tokenizer.json");
  const auto j = nlohmann::json::parse(read_file(tok), nullptr, false);
  check(!j.is_discarded() && j.is_object(), ErrorCode::CORRUPT_FILE, tok, ": not valid JSON");
  int64_t max_id = -1;
  auto see = [&](const nlohmann::json& id) {
    if (id.is_number_integer()) max_id = std::max<int64_t>(max_id, id.get<int64_t>());
  };
  if (j.contains("model") && j["model"].is_object() && j["model"].contains("vocab")) {
    const nlohmann::json& v = j["model"]["vocab"];
    if (v.is_object()) {  // WordPiece, BPE: token -> id
      for (const auto& [token, id] : v.items()) see(id);
    } else if (v.is_array() && !v.empty()) {  // Unigram: [piece, score] by id
      see(static_cast<int64_t>(v.size()) - 1);
    }
  }
  if (j.contains("added_tokens") && j["added_tokens"].is_array())
    for (const auto& t : j["added_tokens"])
      if (t.is_object() && t.contains("id")) see(t["id"]);
  check(max_id >= 0 && max_id < INT32_MAX, ErrorCode::CORRUPT_FILE, tok,
        ": field model.vocab: no token ids found");
  return static_cast<int>(max_id + 1);
}

InitFolderResult init_model_folder(const std::string& dir, InitFolderOptions o) {
  BertConfig& config = o.init.config;
  int vocab = -1;
  std::string vocab_origin;
  if (!o.vocab_file.empty()) {
    vocab = count_vocab_lines(o.vocab_file);
    vocab_origin = o.vocab_file;
  } else if (!o.tokenizer_from.empty()) {
    vocab = tokenizer_vocab_size(o.tokenizer_from);
    vocab_origin = o.tokenizer_from;
  }
  if (vocab > 0) {
    check(!o.vocab_size_given || config.vocab_size == vocab, ErrorCode::INVALID_ARGUMENT,
          "--vocab-size ", config.vocab_size, " disagrees with ", vocab_origin, " (", vocab,
          " tokens)");
    config.vocab_size = vocab;
  } else {
    check(o.vocab_size_given, ErrorCode::INVALID_ARGUMENT,
          "init: give a vocabulary (--vocab FILE or --copy-tokenizer-from DIR) or --vocab-size N");
  }
  config.validate();
  check(o.overwrite || !file_exists(join_path(dir, "model.safetensors")),
        ErrorCode::INVALID_ARGUMENT, dir,
        ": already holds a model.safetensors (use --force to replace it)");

  // Read the vocabulary before writing anything.
  std::string vocab_text;
  if (!o.vocab_file.empty()) vocab_text = read_file(o.vocab_file);

  const SafeTensorsWriter weights = init_random_weights(o.init);
  write_model_folder(dir, config, weights, o.tokenizer_from);
  InitFolderResult r;
  r.config = config;
  r.files = {join_path(dir, "config.json"), join_path(dir, "model.safetensors")};
  if (!o.tokenizer_from.empty())
    for (const char* f : kTokenizerFiles)
      if (file_exists(join_path(o.tokenizer_from, f))) r.files.push_back(join_path(dir, f));
  if (!vocab_text.empty()) {
    const std::string p = join_path(dir, "vocab.txt");
    write_file_atomic(p, vocab_text);
    if (std::find(r.files.begin(), r.files.end(), p) == r.files.end()) r.files.push_back(p);
  }
  const std::string tc = join_path(dir, "tokenizer_config.json");
  const bool copied_tc = !o.tokenizer_from.empty() &&
                         file_exists(join_path(o.tokenizer_from, "tokenizer_config.json"));
  if (!copied_tc && (!vocab_text.empty() || !o.tokenizer_from.empty())) {
    const nlohmann::json j = {{"do_lower_case", true},
                              {"model_max_length", config.max_position_embeddings}};
    write_file_atomic(tc, j.dump() + "\n");
    r.files.push_back(tc);
  }
  for (const TensorView& t : weights.tensors()) r.parameters += t.numel();
  return r;
}

InitHeadResult init_head_folder(const std::string& base, const std::string& dir,
                                const std::vector<std::string>& labels, uint64_t seed, float std,
                                bool overwrite) {
  ModelFolder f = ModelFolder::load(base, HeadPolicy::ALLOW_MISSING);
  if (!labels.empty()) f.config.id2label = labels;
  check(!f.weights.missing_head().empty() || !labels.empty(), ErrorCode::INVALID_ARGUMENT, base,
        ": already has its classification head (nothing to initialise; --labels replaces it)");
  check(overwrite || !file_exists(join_path(dir, "model.safetensors")), ErrorCode::INVALID_ARGUMENT,
        dir, ": already holds a model.safetensors (use --force to replace it)");
  SafeTensorsWriter w;
  InitHeadResult r;
  NormalRng rng(seed);
  for (const auto& [name, shape] : all_tensor_names(f.config)) {
    const auto id = parse_tensor_name(name);
    const bool cls = id && (id->tensor == BertTensor::CLASSIFIER_WEIGHT ||
                            id->tensor == BertTensor::CLASSIFIER_BIAS);
    const TensorView* t = f.weights.find(name);
    // New labels: a classifier of another shape is drawn anew.
    if (t && !(cls && !labels.empty() && t->shape != shape)) {
      w.add(name, t->dtype, t->shape, t->data, t->nbytes);
      continue;
    }
    w.add_f32(name, shape, init_values(name, shape, f.config, rng, std));
    r.initialized.push_back(name);
  }
  write_model_folder(dir, f.config, w, base);
  r.config = f.config;
  return r;
}

}  // namespace bertq::io
