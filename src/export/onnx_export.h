// `bertq export onnx`: a model folder (FP32, or INT8 from `bertq quantize`) as one ONNX file
// (the graph of bert_graph.h, every weight an initializer inside the file), checked by ONNX's
// checker and strict shape inference before it is written atomically.
//   out ending in ".onnx": that file only.
//   otherwise a folder: OUT/model.onnx, OUT/config.json and the model's tokenizer files, the
//   layout Optimum's ORTModelForSequenceClassification.from_pretrained(OUT) loads.
//
//   auto r = bertq::exporter::export_onnx("models/imdb", "out/", /*force=*/false);
//   r.onnx_path == "out/model.onnx"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::exporter {

struct OnnxExport {
  std::string onnx_path;
  std::vector<std::string> files;  // every file written, model.onnx first
  int64_t nodes = 0, initializers = 0, parameters = 0;
  uint64_t bytes = 0;  // size of the .onnx file
};

// INVALID_ARGUMENT when the .onnx file exists and !force; UNSUPPORTED for a model the engine
// does not run either.
OnnxExport export_onnx(const std::string& model_dir, const std::string& out, bool force);

}  // namespace bertq::exporter
