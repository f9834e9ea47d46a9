// export_onnx and the BERT graph: the interface transformers' exporters use (names, types,
// dynamic axes, opset), every weight exported once (Linear weights transposed), INT8 Linears
// as the engine runs them, the files written for a .onnx path and for a folder, and the
// errors. That ONNX Runtime computes the engine's logits with it is checked by
// onnx_runtime_check.py.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <tuple>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "eval/eval_test_util.h"
#include "export/bert_graph.h"
#include "export/onnx_export.h"
#include "io/model_folder.h"

namespace bertq::exporter {
namespace {

using io::BertTensor;

// The eval tests' tiny classifier (1 layer, hidden 16, 2 heads, 2 labels, 20 tokens), with
// `act` as its hidden_act.
std::string tiny_model(const bertq::testing::TempDir& tmp, const std::string& act = "gelu") {
  const std::string dir = eval::testing::make_tiny_model(tmp.path(), "model", 5);
  io::BertConfig c = io::BertConfig::load(join_path(dir, "config.json"));
  c.hidden_act = io::parse_activation(act);
  c.save(join_path(dir, "config.json"));
  return dir;
}

const onnx::TensorProto* initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const onnx::TensorProto& t : g.initializer()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

std::vector<float> floats(const onnx::TensorProto& t) {
  std::vector<float> v(t.raw_data().size() / sizeof(float));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(float));
  return v;
}

void expect_dims(const onnx::ValueInfoProto& v, const std::vector<std::string>& dims) {
  const auto& shape = v.type().tensor_type().shape();
  ASSERT_EQ(shape.dim_size(), int(dims.size())) << v.name();
  for (size_t i = 0; i < dims.size(); ++i) {
    const auto& d = shape.dim(int(i));
    EXPECT_EQ(d.has_dim_param() ? d.dim_param() : std::to_string(d.dim_value()), dims[i])
        << v.name() << " dim " << i;
  }
}

TEST(BertGraph, HasTheInterfaceOfTransformersExporters) {
  bertq::testing::TempDir tmp;
  const onnx::ModelProto m = bert_onnx_model(io::ModelFolder::load(tiny_model(tmp)));
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).domain(), "");
  EXPECT_EQ(m.opset_import(0).version(), 17);
  EXPECT_EQ(m.ir_version(), 8);
  const onnx::GraphProto& g = m.graph();
  ASSERT_EQ(g.input_size(), 3);
  const char* names[] = {"input_ids", "attention_mask", "token_type_ids"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(g.input(i).name(), names[i]);
    EXPECT_EQ(g.input(i).type().tensor_type().elem_type(), onnx::TensorProto::INT64);
    expect_dims(g.input(i), {"batch", "sequence"});
  }
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.output(0).name(), "logits");
  EXPECT_EQ(g.output(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);
  expect_dims(g.output(0), {"batch", "2"});
}

TEST(BertGraph, ExportsEveryWeightOnceWithLinearWeightsTransposed) {
  bertq::testing::TempDir tmp;
  const io::ModelFolder folder = io::ModelFolder::load(tiny_model(tmp));
  const onnx::GraphProto g = bert_onnx_model(folder).graph();
  int64_t exported = 0, expected = 0;
  for (const onnx::TensorProto& t : g.initializer()) {
    exported += int64_t(t.raw_data().size() / sizeof(float));  // weights (constants are typed)
  }
  for (const auto& [name, shape] : io::all_tensor_names(folder.config)) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    expected += n;
  }
  EXPECT_EQ(exported, expected);
  // FFN in [32, 16] -> [16, 32]; the classifier [2, 16] -> [16, 2].
  for (auto [t, layer, rows, cols] : {std::tuple{BertTensor::FFN_IN_WEIGHT, 0, 32, 16},
                                      std::tuple{BertTensor::CLASSIFIER_WEIGHT, -1, 2, 16}}) {
    const std::string name = io::tensor_name(t, layer) + "_t";
    const onnx::TensorProto* w = initializer(g, name);
    ASSERT_NE(w, nullptr) << name;
    ASSERT_EQ(w->dims_size(), 2);
    EXPECT_EQ(w->dims(0), cols);
    EXPECT_EQ(w->dims(1), rows);
    const std::vector<float> got = floats(*w);
    const float* src = folder.weights.f32(t, layer);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) ASSERT_EQ(got[c * rows + r], src[r * cols + c]) << name;
    }
  }
  const onnx::TensorProto* emb = initializer(g, io::tensor_name(BertTensor::WORD_EMBEDDINGS));
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(floats(*emb),
            std::vector<float>(folder.weights.f32(BertTensor::WORD_EMBEDDINGS),
                               folder.weights.f32(BertTensor::WORD_EMBEDDINGS) + 20 * 16));
}

TEST(ExportOnnx, FolderGetsModelConfigAndTokenizerFiles) {
  bertq::testing::TempDir tmp;
  const std::string model = tiny_model(tmp), out = tmp.file("onnx");
  const OnnxExport r = export_onnx(model, out, false);
  EXPECT_EQ(r.onnx_path, join_path(out, "model.onnx"));
  EXPECT_EQ(r.files, (std::vector<std::string>{
                         join_path(out, "model.onnx"), join_path(out, "config.json"),
                         join_path(out, "vocab.txt"), join_path(out, "tokenizer_config.json")}));
  EXPECT_EQ(read_file(r.onnx_path).size(), r.bytes);
  EXPECT_EQ(io::BertConfig::load(join_path(out, "config.json")).id2label,
            (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  EXPECT_EQ(read_file(join_path(out, "vocab.txt")), read_file(join_path(model, "vocab.txt")));
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(r.onnx_path)));
  EXPECT_EQ(m.graph().node_size(), r.nodes);
}

TEST(ExportOnnx, OnnxPathWritesThatFileOnlyAndIsNotReplacedWithoutForce) {
  bertq::testing::TempDir tmp;
  const std::string model = tiny_model(tmp), out = tmp.file("x/m.onnx");
  make_dirs(tmp.file("x"));
  EXPECT_EQ(export_onnx(model, out, false).files, std::vector<std::string>{out});
  EXPECT_FALSE(file_exists(tmp.file("x/config.json")));
  try {
    export_onnx(model, out, false);
    FAIL() << "replaced without --force";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_EQ(export_onnx(model, out, true).onnx_path, out);
}

TEST(ExportOnnx, RefusesWhatTheGraphDoesNotComputeNamingIt) {
  bertq::testing::TempDir tmp;
  const std::string model = tiny_model(tmp, "gelu_new");
  try {
    export_onnx(model, tmp.file("m.onnx"), false);
    FAIL() << "exported a gelu_new model";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find("gelu_new"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(file_exists(tmp.file("m.onnx")));
}

// The folder as `bertq quantize` writes one: `i8` Linear weights in I8 with F32 scales.
std::string int8_model(const bertq::testing::TempDir& tmp, const std::vector<std::string>& i8) {
  const std::string model = tiny_model(tmp);
  const io::ModelFolder f = io::ModelFolder::load(model);
  io::SafeTensorsWriter w;
  for (const io::TensorView& t : f.weights.tensors()) {
    if (std::find(i8.begin(), i8.end(), t.name) != i8.end()) {
      std::vector<uint8_t> q(size_t(t.numel()));
      for (size_t i = 0; i < q.size(); ++i) q[i] = uint8_t(int8_t(int(i % 255) - 127));
      w.add_owned(t.name, io::DType::I8, t.shape, q);
      w.add_f32(t.name + "_scale", {t.shape[0]}, std::vector<float>(size_t(t.shape[0]), 0.01f));
    } else {
      w.add(t.name, t.dtype, t.shape, t.data, t.nbytes);
    }
  }
  io::write_model_folder(tmp.file("int8"), f.config, w, model);
  return tmp.file("int8");
}

int count_ops(const onnx::GraphProto& g, const std::string& type) {
  int n = 0;
  for (const onnx::NodeProto& node : g.node()) n += node.op_type() == type;
  return n;
}

TEST(BertGraph, Int8LinearsRunAsMatMulIntegerOverTransposedInt8Weights) {
  bertq::testing::TempDir tmp;
  const std::string ffn = io::tensor_name(BertTensor::FFN_IN_WEIGHT, 0);
  const io::ModelFolder f = io::ModelFolder::load(int8_model(tmp, {ffn}));
  const onnx::GraphProto g = bert_onnx_model(f).graph();
  EXPECT_EQ(count_ops(g, "MatMulInteger"), 1);
  const onnx::TensorProto* w = initializer(g, ffn + "_t");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->data_type(), onnx::TensorProto::INT8);
  ASSERT_EQ(w->dims_size(), 2);
  EXPECT_EQ(w->dims(0), 16);
  EXPECT_EQ(w->dims(1), 32);
  const auto* src = static_cast<const int8_t*>(f.weights.get(ffn).data);
  for (int r = 0; r < 32; ++r) {
    for (int c = 0; c < 16; ++c) ASSERT_EQ(int8_t(w->raw_data()[c * 32 + r]), src[r * 16 + c]);
  }
  EXPECT_NE(initializer(g, ffn + "_scale"), nullptr);
  EXPECT_NE(initializer(g, ffn + "_colsum"), nullptr);
}

TEST(BertGraph, QkvIsInt8OnlyWhenAllThreeAre) {
  const std::string q = io::tensor_name(BertTensor::Q_WEIGHT, 0),
                    k = io::tensor_name(BertTensor::K_WEIGHT, 0),
                    v = io::tensor_name(BertTensor::V_WEIGHT, 0);
  bertq::testing::TempDir all, mixed;
  EXPECT_EQ(count_ops(bert_onnx_model(io::ModelFolder::load(int8_model(all, {q, k, v}))).graph(),
                      "MatMulInteger"),
            3);
  // Q and K in I8, V kept FP32: the engine dequantizes Q and K and runs all three in FP32.
  const onnx::GraphProto g =
      bert_onnx_model(io::ModelFolder::load(int8_model(mixed, {q, k}))).graph();
  EXPECT_EQ(count_ops(g, "MatMulInteger"), 0);
  const onnx::TensorProto* wq = initializer(g, q + "_t");
  ASSERT_NE(wq, nullptr);
  EXPECT_EQ(wq->data_type(), onnx::TensorProto::FLOAT);
  EXPECT_FLOAT_EQ(floats(*wq)[0], -127 * 0.01f);  // q[0, 0] · scale[0]
}

TEST(ExportOnnx, RefusesAnInt8ClassifierNamingIt) {
  bertq::testing::TempDir tmp;
  const std::string model = int8_model(tmp, {io::tensor_name(BertTensor::CLASSIFIER_WEIGHT)});
  try {
    export_onnx(model, tmp.file("m.onnx"), false);
    FAIL() << "exported an I8 classifier";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find("classifier.weight is I8"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bertq::exporter
