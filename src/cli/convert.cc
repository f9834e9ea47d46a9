// `bertq convert`: turns a model folder whose weights are a PyTorch checkpoint
// (pytorch_model.bin, read without executing its pickle: io/torch_bin.h) or a model.safetensors
// into a folder with model.safetensors, config.json and the tokenizer files. Tensor names and
// dtypes stay as in the checkpoint (WeightStore normalises names at load); the result is
// checked to load as the BERT of config.json before anything is written.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/command.h"
#include "cli/model_option.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/model_folder.h"
#include "io/torch_bin.h"

namespace bertq::cli {
namespace {

struct ConvertArgs {
  std::string model, out;
  bool force = false;
};

void run_convert(const ConvertArgs& a) {
  const std::string config_path = join_path(a.model, "config.json");
  const io::BertConfig config = io::BertConfig::load(config_path);
  const std::string bin = join_path(a.model, "pytorch_model.bin");
  const std::string st = join_path(a.model, "model.safetensors");
  std::error_code ec;
  const bool in_place = dir_exists(a.out) && std::filesystem::equivalent(a.model, a.out, ec);
  const std::string out_st = join_path(a.out, "model.safetensors");
  check(!file_exists(out_st) || a.force, ErrorCode::INVALID_ARGUMENT, out_st,
        " exists (pass --force to replace it)");

  io::SafeTensorsWriter w;
  w.set_metadata("format", "pt");
  std::shared_ptr<io::SafeTensorsFile> source;  // keeps borrowed tensors alive until write()
  std::string from;
  if (file_exists(bin)) {
    from = bin;
    io::add_torch_tensors(w, io::read_torch_bin(bin));
  } else if (file_exists(st)) {
    check(!in_place, ErrorCode::INVALID_ARGUMENT, a.model,
          ": already has model.safetensors and no pytorch_model.bin to convert");
    from = st;
    source = std::make_shared<io::SafeTensorsFile>(st);
    for (const auto& t : source->tensors()) w.add(t.name, t.dtype, t.shape, t.data, t.nbytes);
  } else {
    throw Error(ErrorCode::NOT_FOUND,
                cat(a.model, ": neither pytorch_model.bin nor model.safetensors"));
  }

  // The weights must load as config.json's model (names, shapes, dtypes) before we write.
  const io::WeightStore ws = io::WeightStore::load(
      io::SafeTensorsFile::from_buffer(w.serialize(), from), config, io::HeadPolicy::ALLOW_MISSING);
  int64_t params = 0;
  for (const auto& t : w.tensors()) params += t.numel();

  make_dirs(a.out);
  w.write(out_st);
  if (!in_place) {
    write_file_atomic(join_path(a.out, "config.json"), read_file(config_path));
    for (const char* f : io::kTokenizerFiles) {
      const std::string p = join_path(a.model, f);
      if (file_exists(p)) write_file_atomic(join_path(a.out, f), read_file(p));
    }
  }
  std::printf("converted %s: %zu tensors, %.2fM values -> %s\n", from.c_str(), w.size(),
              static_cast<double>(params) / 1e6, out_st.c_str());
  if (!ws.missing_head().empty()) {
    std::printf("no classification head in the checkpoint (a base model):");
    for (const auto& name : ws.missing_head()) std::printf(" %s", name.c_str());
    std::printf(
        "\nfine-tune it with `bertq train`, or add a random head for tests with `bertq init "
        "--from %s --out DIR`\n",
        a.out.c_str());
  }
}

Command reg("convert", 25, [](CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert", "Convert a model folder's pytorch_model.bin (read safely) to model.safetensors");
  add_model_option(cmd, "--model", args->model, "Model folder with pytorch_model.bin")->required();
  cmd->add_option("--out", args->out, "Output folder (the same folder converts in place)")
      ->required();
  cmd->add_flag("--force", args->force, "Replace an existing model.safetensors in --out");
  cmd->callback([args] { run_convert(*args); });
});

}  // namespace
}  // namespace bertq::cli
