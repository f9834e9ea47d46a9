// export_onnx (onnx_export.h): builds the graph, validates it with libonnx, writes the files.
#include "export/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <limits>

#include "core/error.h"
#include "core/file_util.h"
#include "export/bert_graph.h"
#include "io/model_folder.h"

namespace bertq::exporter {
namespace {

// The ONNX checker, then shape inference in strict mode: every node's shapes must infer, and
// agree with the declared output ["batch", num_labels]. Errors name the output file. In place
// (no second copy of the weights): the inferred shapes are dropped again.
void validate(onnx::ModelProto& model, const std::string& path) {
  try {
    onnx::checker::check_model(model);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true,
                                                                   /*strict_mode=*/1));
    model.mutable_graph()->clear_value_info();
  } catch (const std::exception& e) {
    throw Error(ErrorCode::INTERNAL,
                cat(path, ": the exported graph fails ONNX's checks: ", e.what()));
  }
}

}  // namespace

OnnxExport export_onnx(const std::string& model_dir, const std::string& out, bool force) {
  const io::ModelFolder folder = io::ModelFolder::load(model_dir);
  const bool to_folder = !out.ends_with(".onnx");
  OnnxExport r;
  r.onnx_path = to_folder ? join_path(out, "model.onnx") : out;
  check(force || !file_exists(r.onnx_path), ErrorCode::INVALID_ARGUMENT, r.onnx_path,
        " exists (pass --force to replace it)");

  onnx::ModelProto model = bert_onnx_model(folder);
  validate(model, r.onnx_path);
  const onnx::GraphProto& g = model.graph();
  r.nodes = g.node_size();
  r.initializers = g.initializer_size();
  for (const onnx::TensorProto& t : g.initializer()) {
    int64_t n = 1;
    for (int64_t d : t.dims()) n *= d;
    r.parameters += n;
  }
  std::string bytes;
  check(model.ByteSizeLong() < size_t(std::numeric_limits<int32_t>::max()), ErrorCode::UNSUPPORTED,
        r.onnx_path, ": the model is over protobuf's 2 GB limit (external data is not written)");
  check(model.SerializeToString(&bytes), ErrorCode::INTERNAL, r.onnx_path,
        ": protobuf serialization failed");
  r.bytes = bytes.size();

  if (to_folder) make_dirs(out);
  write_file_atomic(r.onnx_path, bytes);
  r.files.push_back(r.onnx_path);
  if (to_folder) {
    const std::string config = join_path(out, "config.json");
    folder.config.save(config);
    r.files.push_back(config);
    for (const char* f : io::kTokenizerFiles) {
      const std::string p = join_path(model_dir, f);
      if (!file_exists(p)) continue;
      write_file_atomic(join_path(out, f), read_file(p));
      r.files.push_back(join_path(out, f));
    }
  }
  return r;
}

}  // namespace bertq::exporter
