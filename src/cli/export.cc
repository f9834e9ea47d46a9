// `bertq export onnx`: writes a model folder (FP32 or INT8) as an ONNX model
// (export/onnx_export.h) that ONNX Runtime runs with the input names of transformers' exporters.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/model_option.h"
#include "export/onnx_export.h"

namespace bertq::cli {
namespace {

struct ExportOnnxArgs {
  std::string model, out;
  bool force = false;
};

void run_export_onnx(const ExportOnnxArgs& a) {
  const exporter::OnnxExport r = exporter::export_onnx(a.model, a.out, a.force);
  std::printf("exported %s: %lld nodes, %lld initializers, %.2fM parameters, %.1f MB (opset 17)\n",
              a.model.c_str(), static_cast<long long>(r.nodes),
              static_cast<long long>(r.initializers), static_cast<double>(r.parameters) / 1e6,
              static_cast<double>(r.bytes) / 1e6);
  for (const std::string& f : r.files) std::printf("  %s\n", f.c_str());
}

Command reg("export", 42, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a model for another runtime (ONNX)");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ExportOnnxArgs>();
  auto* onnx = cmd->add_subcommand(
      "onnx",
      "Write a model as ONNX (opset 17) for ONNX Runtime: inputs input_ids, attention_mask, "
      "token_type_ids (int64 [batch, sequence]), output logits [batch, num_labels]; an INT8 "
      "folder (bertq quantize) keeps its INT8 Linears (MatMulInteger)");
  add_model_option(onnx, "--model", args->model, "Model folder (FP32 or INT8)")->required();
  onnx->add_option("--out", args->out,
                   "FILE.onnx writes that file only; any other path is a folder that gets "
                   "model.onnx, config.json and the tokenizer files (what Optimum's "
                   "ORTModelForSequenceClassification.from_pretrained loads)")
      ->required();
  onnx->add_flag("--force", args->force, "Replace an existing .onnx file");
  onnx->callback([args] { run_export_onnx(*args); });
});

}  // namespace
}  // namespace bertq::cli
