// ModelFolder loading and write_model_folder (see model_folder.h).
#include "io/model_folder.h"

#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "io/architecture.h"
#include "io/torch_bin.h"

namespace bertq::io {

const char* const kTokenizerFiles[8] = {
    "vocab.txt",  "tokenizer.json", "tokenizer_config.json",   "special_tokens_map.json",
    "vocab.json", "merges.txt",     "sentencepiece.bpe.model", "added_tokens.json"};

bool has_tokenizer_files(const std::string& dir) {
  auto has = [&](const char* f) { return file_exists(join_path(dir, f)); };
  return has("tokenizer.json") || has("vocab.txt") || (has("vocab.json") && has("merges.txt")) ||
         has("sentencepiece.bpe.model");
}

ModelFolder ModelFolder::load(const std::string& dir, HeadPolicy heads) {
  check(dir_exists(dir), ErrorCode::NOT_FOUND, dir,
        ": no such model folder (download one with `bertq download model NAME` or create "
        "one with `bertq init`)");
  const std::string config_path = join_path(dir, "config.json");
  check(file_exists(config_path), ErrorCode::NOT_FOUND, dir,
        ": no config.json; download with `bertq download model NAME` or create a model "
        "with `bertq init`");
  const std::string weights_path = join_path(dir, "model.safetensors");
  if (!file_exists(weights_path)) {
    check(!file_exists(join_path(dir, "model.safetensors.index.json")), ErrorCode::UNSUPPORTED, dir,
          ": sharded checkpoints (model.safetensors.index.json) are not supported; save "
          "the model as one model.safetensors");
    const std::string bin_path = join_path(dir, "pytorch_model.bin");
    check(file_exists(bin_path), ErrorCode::NOT_FOUND, dir, ": no model.safetensors");
    // A torch.save checkpoint, read without running its pickle (torch_bin.h) and converted in
    // memory; `bertq convert` writes model.safetensors once so later loads memory-map it.
    ModelFolder m;
    m.dir = dir;
    m.config = BertConfig::load(config_path);
    log_info(cat(bin_path,
                 ": no model.safetensors, reading the PyTorch checkpoint (`bertq convert "
                 "--model ",
                 dir, " --out ", dir, "` makes a model.safetensors)"));
    SafeTensorsWriter converted;
    add_torch_tensors(converted, read_torch_bin(bin_path));
    m.weights = WeightStore::load(SafeTensorsFile::from_buffer(converted.serialize(), bin_path),
                                  m.config, heads);
    return m;
  }
  ModelFolder m;
  m.dir = dir;
  m.config = BertConfig::load(config_path);
  m.weights = WeightStore::load(weights_path, m.config, heads);
  return m;
}

bool ModelFolder::has_tokenizer() const {
  return has_tokenizer_files(dir);
}

void write_model_folder(const std::string& dir, const BertConfig& config,
                        const SafeTensorsWriter& weights, const std::string& tokenizer_from) {
  config.validate();
  // The weights must describe exactly this config's model.
  std::map<std::string, TensorView> have;
  for (auto& t : weights.tensors()) have.emplace(t.name, t);
  for (const auto& [name, shape] : all_tensor_names(config)) {
    auto it = have.find(name);
    check(it != have.end(), ErrorCode::INVALID_ARGUMENT, dir, ": cannot write model: tensor ", name,
          " missing");
    check(it->second.shape == shape, ErrorCode::INVALID_ARGUMENT, dir,
          ": cannot write model: tensor ", name, ": expected ", shape_str(shape), ", got ",
          it->second.shape_str());
  }
  // Read the tokenizer files first, so a bad source leaves nothing half written.
  std::vector<std::pair<std::string, std::string>> tok;
  if (!tokenizer_from.empty()) {
    std::error_code ec;
    const bool same =
        std::filesystem::exists(dir) && std::filesystem::equivalent(dir, tokenizer_from, ec);
    check(has_tokenizer_files(tokenizer_from), ErrorCode::NOT_FOUND, tokenizer_from,
          ": no tokenizer files to copy (tokenizer.json, vocab.txt, vocab.json + merges.txt or "
          "sentencepiece.bpe.model)");
    for (const char* f : kTokenizerFiles) {
      const std::string p = join_path(tokenizer_from, f);
      if (file_exists(p) && !same) tok.emplace_back(f, read_file(p));
    }
  }
  make_dirs(dir);
  config.save(join_path(dir, "config.json"));
  // The architecture's own tensor names (and the metadata, e.g. {"format": "pt"}), so its
  // Hugging Face class loads the folder.
  weights.renamed([&](const std::string& n) { return checkpoint_name(config.arch, n); })
      .write(join_path(dir, "model.safetensors"));
  for (const auto& [name, text] : tok) write_file_atomic(join_path(dir, name), text);
}

}  // namespace bertq::io
