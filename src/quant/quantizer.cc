// Weight / embedding quantization and the quantized folder (see quantizer.h). Every I8 tensor is
// made by kernels::quantize_symmetric_row_s8_ref, row by row (the rule in int8_scheme.h).
#include "quant/quantizer.h"

#include <fnmatch.h>

#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "io/safetensors.h"
#include "kernels/int8_scheme.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/ref/int8_ref.h"

namespace bertq::quant {
namespace {

using io::BertTensor;

std::vector<uint8_t> to_bytes(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  return std::vector<uint8_t>(b, b + n);
}

}  // namespace

Scheme parse_scheme(const std::string& s) {
  if (s == "dynamic") return Scheme::DYNAMIC;
  if (s == "static") return Scheme::STATIC;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("--scheme: expected dynamic or static, got '", s, "'"));
}
ObserverKind parse_observer(const std::string& s) {
  if (s == "minmax") return ObserverKind::MINMAX;
  if (s == "percentile") return ObserverKind::PERCENTILE;
  if (s == "mse") return ObserverKind::MSE;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("--observer: expected minmax, percentile or mse, got '", s, "'"));
}
bool parse_embeddings(const std::string& s) {
  check(s == "int8" || s == "fp32", ErrorCode::INVALID_ARGUMENT,
        "--embeddings: expected int8 or fp32, got '", s, "'");
  return s == "int8";
}
const char* scheme_name(Scheme s) {
  return s == Scheme::STATIC ? "static" : "dynamic";
}
const char* observer_name(ObserverKind o) {
  return o == ObserverKind::MINMAX       ? "minmax"
         : o == ObserverKind::PERCENTILE ? "percentile"
                                         : "mse";
}

bool matches_any(const std::string& name, const std::vector<std::string>& globs) {
  for (const auto& g : globs)
    if (fnmatch(g.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

size_t QuantizedModel::bytes() const {
  size_t n = 0;
  for (const auto& t : tensors->tensors()) n += t.nbytes;
  return n;
}

int parse_activation_range(const std::string& s) {
  if (s == "127") return kernels::kActQMaxReduced;
  if (s == "255") return kernels::kActQMaxFull;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("--activation-range: expected 127 (u7, one GEMM on every CPU) or 255 (u8, one "
                  "GEMM with VNNI, two without), got '",
                  s, "'"));
}

QuantizedModel quantize(const io::ModelFolder& fp32, const QuantizeOptions& o,
                        const Ranges* ranges) {
  check(kernels::is_activation_qmax(o.activation_qmax), ErrorCode::INVALID_ARGUMENT,
        "quantize: activation qmax ", o.activation_qmax, " (127 or 255)");
  check(o.scheme == Scheme::DYNAMIC || ranges != nullptr, ErrorCode::INVALID_ARGUMENT,
        "quantize: the static scheme needs calibration ranges (--calibration DATA)");
  QuantizedModel q;
  q.config = fp32.config;
  q.tensors = std::make_shared<io::SafeTensorsWriter>();
  const io::WeightStore& w = fp32.weights;
  for (const auto& [name, shape] : io::all_tensor_names(fp32.config)) {
    const auto id = io::parse_tensor_name(name);
    check(id.has_value(), ErrorCode::INTERNAL, "quantize: unknown tensor ", name);
    const io::TensorView& v = w.get(name);
    check(v.dtype == io::DType::F32, ErrorCode::INVALID_ARGUMENT, w.source(), ": tensor ", name,
          " is ", io::dtype_name(v.dtype),
          ": quantize an FP32 model (this one is already quantized)");
    const BertTensor t = id->tensor;
    const bool linear = io::is_linear_weight(t) && t != BertTensor::CLASSIFIER_WEIGHT;
    const bool table = o.int8_embeddings &&
                       (t == BertTensor::WORD_EMBEDDINGS || t == BertTensor::POSITION_EMBEDDINGS);
    const float* x = w.f32(name);
    if ((linear || table) && matches_any(name, o.keep_fp32)) q.kept_fp32.push_back(name);
    if ((linear || table) && !matches_any(name, o.keep_fp32)) {
      const size_t rows = size_t(shape[0]), cols = size_t(shape[1]);
      std::vector<uint8_t> qi(rows * cols);
      std::vector<float> scale(rows);
      for (size_t r = 0; r < rows; ++r)
        scale[r] = kernels::quantize_symmetric_row_s8_ref(
            x + r * cols, cols, reinterpret_cast<int8_t*>(qi.data()) + r * cols);
      q.tensors->add_owned(name, io::DType::I8, shape, std::move(qi));
      q.tensors->add_f32(name + "_scale", {int64_t(rows)}, std::move(scale));
      q.int8.push_back(name);
      if (linear && o.scheme == Scheme::STATIC) {
        const auto it = ranges->find(name);
        if (it != ranges->end())
          q.tensors->add_f32(name + "_input_range", {2}, {it->second.first, it->second.second});
      }
    } else {
      q.tensors->add_owned(name, io::DType::F32, shape, to_bytes(x, size_t(v.nbytes)));
    }
  }
  nlohmann::json qc = {
      {"quant_method", "bertq"},
      {"format_version", 1},
      {"scheme", scheme_name(o.scheme)},
      {"weights",
       {{"dtype", "int8"},
        {"symmetric", true},
        {"granularity", "per_output_channel"},
        {"range", {-kernels::kWeightQMax, kernels::kWeightQMax}},
        {"rounding", "half_to_even"},
        {"scale", "max_abs / 127, stored as F32 <name>_scale [out]"}}},
      {"activations",
       {{"dtype", "uint8"},
        {"symmetric", false},
        {"granularity", o.scheme == Scheme::STATIC ? "per_tensor" : "per_token_row"},
        {"qmax", o.activation_qmax},
        {"range", {0, o.activation_qmax}},
        {"zero_point", "round(-lo / scale)"}}},
      {"embeddings", o.int8_embeddings ? "int8_per_row" : "fp32"},
      {"modules_not_quantized", q.kept_fp32},
      {"fp32_always", {"classifier", "token_type_embeddings", "biases", "LayerNorm"}}};
  if (o.scheme == Scheme::STATIC) {
    qc["activations"]["observer"] = observer_name(o.observer);
    qc["activations"]["stored_as"] = "F32 <weight name>_input_range [lo, hi]";
    if (o.observer == ObserverKind::PERCENTILE) qc["activations"]["percentile"] = o.percentile;
  }
  q.config.extra["quantization_config"] = qc;
  return q;
}

std::shared_ptr<const engine::Model> load_in_memory(const QuantizedModel& q,
                                                    const engine::EngineOptions& options) {
  io::ModelFolder f;
  f.dir = "<quantized in memory>";
  f.config = q.config;
  const auto file = io::SafeTensorsFile::from_buffer(q.tensors->serialize(), f.dir);
  f.weights = io::WeightStore::load(file, q.config);
  return engine::Model::from_folder(f, options);
}

void write_quantized_folder(const std::string& out, const QuantizedModel& q,
                            const std::string& tokenizer_from, bool overwrite,
                            const std::vector<std::pair<std::string, std::string>>& extra_files) {
  check(overwrite || find_complete_dir(out).empty(), ErrorCode::INVALID_ARGUMENT, out,
        ": already exists (pass --force to replace it)");
  const std::filesystem::path target = std::filesystem::absolute(out);
  if (target.has_parent_path()) make_dirs(target.parent_path().string());
  write_dir_atomic(out, [&](const std::string& tmp) {
    io::write_model_folder(tmp, q.config, *q.tensors, tokenizer_from);
    for (const auto& [name, text] : extra_files) write_file_atomic(join_path(tmp, name), text);
  });
}

}  // namespace bertq::quant
