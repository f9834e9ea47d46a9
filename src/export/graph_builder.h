// GraphBuilder: appends nodes, initializers and inputs / outputs to an onnx::GraphProto through
// the protobuf classes of libonnx (never hand-assembled bytes). Every node gets one output,
// named "<scope>/<op>_<n>", so the graph reads layer by layer in a viewer (Netron).
// Internal to src/export (the only place that includes onnx).
//
//   GraphBuilder g(model.mutable_graph());
//   g.set_scope("bert.encoder.layer.0.attention");
//   std::string y = g.op("MatMul", {x, g.weight_transposed(name, w, rows, cols)});
//   y = g.op("Softmax", {y}, {onnx::MakeAttribute("axis", int64_t{-1})});
#pragma once

#include <onnx/defs/attr_proto_util.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::exporter {

// A dimension of a graph input / output: a fixed size or a named dynamic axis ("batch").
struct Dim {
  int64_t value = 0;
  std::string param;  // dynamic when not empty
};

class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto* graph) : graph_(graph) {}

  // Prefix of the names of the nodes added from now on.
  void set_scope(std::string scope) { scope_ = std::move(scope); }

  // Adds a node of the default domain with one output, named `output` when given; returns the
  // output's name.
  std::string op(const std::string& type, const std::vector<std::string>& inputs,
                 const std::vector<onnx::AttributeProto>& attributes = {},
                 const std::string& output = "");

  // Initializer `name` of `type` with `dims`, copied from data (row-major, little-endian).
  std::string tensor(const std::string& name, onnx::TensorProto::DataType type,
                     const std::vector<int64_t>& dims, const void* data);
  // F32 initializer (same).
  std::string weight(const std::string& name, const std::vector<int64_t>& dims, const float* data);
  // Initializer "<name>_t" [cols, rows] holding the transpose of data [rows, cols] (F32 or
  // INT8): a PyTorch Linear weight [out, in] becomes the right operand of MatMul (x [.., in]).
  std::string weight_transposed(const std::string& name, const float* data, int64_t rows,
                                int64_t cols);
  std::string weight_transposed(const std::string& name, const int8_t* data, int64_t rows,
                                int64_t cols);
  // Constant initializers (named after the scope): an INT64 1-D tensor, INT64 and F32 scalars.
  std::string constant_i64(const std::vector<int64_t>& values);
  std::string scalar_i64(int64_t value);
  std::string scalar_f32(float value);

  void input(const std::string& name, onnx::TensorProto::DataType type,
             const std::vector<Dim>& dims);
  void output(const std::string& name, onnx::TensorProto::DataType type,
              const std::vector<Dim>& dims);

 private:
  std::string fresh_name(const std::string& what);
  onnx::TensorProto* constant(onnx::TensorProto::DataType type);  // named, no data yet
  onnx::ValueInfoProto* describe(onnx::ValueInfoProto* v, const std::string& name,
                                 onnx::TensorProto::DataType type, const std::vector<Dim>& dims);

  onnx::GraphProto* graph_;
  std::string scope_;
  int64_t counter_ = 0;
};

}  // namespace bertq::exporter
