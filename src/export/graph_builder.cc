// GraphBuilder (graph_builder.h): nodes, initializers and typed inputs / outputs.
#include "export/graph_builder.h"

namespace bertq::exporter {

std::string GraphBuilder::fresh_name(const std::string& what) {
  return (scope_.empty() ? "" : scope_ + "/") + what + "_" + std::to_string(counter_++);
}

std::string GraphBuilder::op(const std::string& type, const std::vector<std::string>& inputs,
                             const std::vector<onnx::AttributeProto>& attributes,
                             const std::string& output) {
  onnx::NodeProto* n = graph_->add_node();
  const std::string name = fresh_name(type);
  n->set_op_type(type);
  n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  n->add_output(output.empty() ? name : output);
  for (const onnx::AttributeProto& a : attributes) *n->add_attribute() = a;
  return n->output(0);
}

namespace {

size_t element_size(onnx::TensorProto::DataType type) {
  switch (type) {
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      return 1;
    case onnx::TensorProto::INT64:
      return 8;
    default:  // FLOAT, INT32
      return 4;
  }
}

template <typename T>
std::vector<T> transposed(const T* data, int64_t rows, int64_t cols) {
  std::vector<T> t(size_t(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) t[size_t(c * rows + r)] = data[r * cols + c];
  }
  return t;
}

}  // namespace

std::string GraphBuilder::tensor(const std::string& name, onnx::TensorProto::DataType type,
                                 const std::vector<int64_t>& dims, const void* data) {
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  // raw_data is little-endian, as the values are in memory on x86-64.
  t->set_raw_data(data, size_t(n) * element_size(type));
  return name;
}

std::string GraphBuilder::weight(const std::string& name, const std::vector<int64_t>& dims,
                                 const float* data) {
  return tensor(name, onnx::TensorProto::FLOAT, dims, data);
}

std::string GraphBuilder::weight_transposed(const std::string& name, const float* data,
                                            int64_t rows, int64_t cols) {
  return tensor(name + "_t", onnx::TensorProto::FLOAT, {cols, rows},
                transposed(data, rows, cols).data());
}

std::string GraphBuilder::weight_transposed(const std::string& name, const int8_t* data,
                                            int64_t rows, int64_t cols) {
  return tensor(name + "_t", onnx::TensorProto::INT8, {cols, rows},
                transposed(data, rows, cols).data());
}

onnx::TensorProto* GraphBuilder::constant(onnx::TensorProto::DataType type) {
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(fresh_name("const"));
  t->set_data_type(type);
  return t;
}

std::string GraphBuilder::constant_i64(const std::vector<int64_t>& values) {
  onnx::TensorProto* t = constant(onnx::TensorProto::INT64);
  t->add_dims(int64_t(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
  return t->name();
}

std::string GraphBuilder::scalar_i64(int64_t value) {
  onnx::TensorProto* t = constant(onnx::TensorProto::INT64);
  t->add_int64_data(value);
  return t->name();
}

std::string GraphBuilder::scalar_f32(float value) {
  onnx::TensorProto* t = constant(onnx::TensorProto::FLOAT);
  t->add_float_data(value);
  return t->name();
}

onnx::ValueInfoProto* GraphBuilder::describe(onnx::ValueInfoProto* v, const std::string& name,
                                             onnx::TensorProto::DataType type,
                                             const std::vector<Dim>& dims) {
  v->set_name(name);
  onnx::TypeProto_Tensor* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  for (const Dim& d : dims) {
    onnx::TensorShapeProto_Dimension* s = t->mutable_shape()->add_dim();
    if (d.param.empty()) {
      s->set_dim_value(d.value);
    } else {
      s->set_dim_param(d.param);
    }
  }
  return v;
}

void GraphBuilder::input(const std::string& name, onnx::TensorProto::DataType type,
                         const std::vector<Dim>& dims) {
  describe(graph_->add_input(), name, type, dims);
}

void GraphBuilder::output(const std::string& name, onnx::TensorProto::DataType type,
                          const std::vector<Dim>& dims) {
  describe(graph_->add_output(), name, type, dims);
}

}  // namespace bertq::exporter
