// WeightStore: canonical names, shape/dtype checks, F16/BF16 conversion, and the rule for a
// missing pooler/classifier (see model_folder.h).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/error.h"
#include "core/log.h"
#include "io/architecture.h"
#include "io/model_folder.h"

namespace bertq::io {

void WeightStore::add(TensorView v) {
  index_.emplace(v.name, views_.size());
  views_.push_back(std::move(v));
}

WeightStore WeightStore::load(const std::string& path, const BertConfig& config, HeadPolicy heads) {
  return load(SafeTensorsFile(path), config, heads);
}

WeightStore WeightStore::load(const SafeTensorsFile& file, const BertConfig& config,
                              HeadPolicy heads) {
  config.validate(file.path());
  WeightStore ws;
  ws.source_ = file.path();
  ws.file_ = std::make_shared<const SafeTensorsFile>(file);
  const std::string& src = ws.source_;

  // 1. Normalise names; reject two file tensors mapping to one name.
  std::map<std::string, const TensorView*> by_name;
  for (const TensorView& t : ws.file_->tensors()) {
    const std::string name = canonical_name(config.arch, t.name);
    if (name.empty()) continue;
    auto [it, fresh] = by_name.emplace(name, &t);
    check(fresh, ErrorCode::CORRUPT_FILE, src, ": tensor ", name, " appears twice (as ",
          it->second->name, " and ", t.name, ")");
  }

  // 2. Check and adopt every tensor: canonical ones in table order, then the extras.
  std::vector<std::pair<std::string, const TensorView*>> ordered;
  const auto canonical = all_tensor_names(config);
  for (const auto& [name, shape] : canonical) {
    auto it = by_name.find(name);
    if (it != by_name.end()) {
      ordered.emplace_back(name, it->second);
      by_name.erase(it);
    }
  }
  for (const auto& [name, t] : by_name) ordered.emplace_back(name, t);

  for (const auto& [name, t] : ordered) {
    const std::string where =
        cat(src, ": tensor ", name,
            name == t->name ? std::string() : cat(" (stored as ", t->name, ")"));
    const auto id = parse_tensor_name(name);
    if (id) {
      check(!is_layer_tensor(id->tensor) || id->layer < config.num_hidden_layers,
            ErrorCode::CORRUPT_FILE, where, ": layer ", id->layer,
            " but config.json has num_hidden_layers ", config.num_hidden_layers);
      const auto want = expected_shape(id->tensor, config);
      if (t->shape != want) {
        std::string hint;
        if (id->tensor == BertTensor::CLASSIFIER_WEIGHT ||
            id->tensor == BertTensor::CLASSIFIER_BIAS)
          hint = cat(" (config.json has ", config.num_labels(), " labels)");
        throw Error(ErrorCode::CORRUPT_FILE,
                    cat(where, ": expected ", shape_str(want), ", got ", t->shape_str(), hint));
      }
      const bool ok =
          is_float_dtype(t->dtype) || (t->dtype == DType::I8 && is_matrix_tensor(id->tensor));
      check(ok, ErrorCode::UNSUPPORTED, where, ": dtype ", dtype_name(t->dtype),
            " is not supported for this tensor (",
            is_matrix_tensor(id->tensor) ? "F32, F16, BF16, F64 or quantized I8"
                                         : "F32, F16, BF16 or F64",
            ")");
    }
    TensorView v = *t;
    v.name = name;
    const bool misaligned = reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0;
    if (is_float_dtype(t->dtype) && (t->dtype != DType::F32 || misaligned)) {
      auto buf = std::make_shared<std::vector<float>>(static_cast<size_t>(t->numel()));
      convert_to_f32(t->dtype, t->data, buf->size(), buf->data());
      v.dtype = DType::F32;
      v.data = buf->data();
      v.nbytes = buf->size() * sizeof(float);
      ws.owned_.push_back(std::move(buf));
    }
    ws.add(std::move(v));
  }

  // 3. Missing tensors: a missing head is refused (or listed, for HeadPolicy::ALLOW_MISSING);
  // any other missing tensor is an error.
  for (const auto& [name, shape] : canonical) {
    if (ws.find(name)) continue;
    const auto id = parse_tensor_name(name);
    const bool head =
        id &&
        (id->tensor == BertTensor::POOLER_WEIGHT || id->tensor == BertTensor::POOLER_BIAS ||
         id->tensor == BertTensor::CLASSIFIER_WEIGHT || id->tensor == BertTensor::CLASSIFIER_BIAS);
    check(head, ErrorCode::NOT_FOUND, src, ": tensor ", name, " not found (",
          ws.file_->tensors().size(),
          " tensors in the file; a BERT checkpoint matching config.json?)");
    ws.missing_head_.push_back(name);
  }
  if (!ws.missing_head_.empty() && heads == HeadPolicy::REQUIRE) {
    std::string list;
    for (const auto& n : ws.missing_head_) list += (list.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::NOT_FOUND,
                cat(src, ": no classification head (", list,
                    " not in the checkpoint): this is a base model, and running it would "
                    "answer with random labels. Fine-tune it (`bertq train --model DIR --train "
                    "DATA --out RUN`), or give it a random head explicitly for tests and "
                    "benchmarks (`bertq init --from DIR --out OUT`)"));
  }
  return ws;
}

const TensorView* WeightStore::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &views_[it->second];
}

const TensorView& WeightStore::get(const std::string& name) const {
  const TensorView* t = find(name);
  check(t != nullptr, ErrorCode::NOT_FOUND, source_.empty() ? "weights" : source_, ": tensor ",
        name, " not found");
  return *t;
}

const TensorView& WeightStore::get(BertTensor t, int layer) const {
  return get(tensor_name(t, layer));
}

const float* WeightStore::f32(const std::string& name) const {
  const TensorView& v = get(name);
  check(v.dtype == DType::F32, ErrorCode::UNSUPPORTED, source_, ": tensor ", name, " is ",
        dtype_name(v.dtype), ", not F32 (a quantized model needs the INT8 engine)");
  return static_cast<const float*>(v.data);
}

const float* WeightStore::f32(BertTensor t, int layer) const {
  return f32(tensor_name(t, layer));
}

std::vector<float> WeightStore::f32_sibling(const std::string& name, const std::string& suffix,
                                            int64_t expected) const {
  const TensorView* v = find(name + suffix);
  check(v != nullptr, ErrorCode::NOT_FOUND, source_, ": tensor ", name, " is I8 but ", name, suffix,
        " is missing");
  check(v->dtype == DType::F32 && v->numel() == expected, ErrorCode::CORRUPT_FILE, source_,
        ": tensor ", name, suffix, ": expected F32 with ", expected, " elements, got ",
        dtype_name(v->dtype), " ", v->shape_str());
  std::vector<float> out(static_cast<size_t>(expected));
  std::memcpy(out.data(), v->data, out.size() * sizeof(float));
  return out;
}

void WeightStore::dequantize_rows(const TensorView& v, float* out) const {
  check(v.dtype == DType::I8 && v.shape.size() == 2, ErrorCode::INTERNAL, source_, ": tensor ",
        v.name, ": dequantize_rows needs a 2-D I8 tensor, got ", dtype_name(v.dtype), " ",
        v.shape_str());
  const std::vector<float> s = f32_sibling(v.name, "_scale", v.shape[0]);
  const auto* q = static_cast<const int8_t*>(v.data);
  const size_t n = size_t(v.numel()), cols = size_t(v.shape[1]);
  for (size_t j = 0; j < n; ++j) out[j] = float(q[j]) * s[j / cols];
}

std::vector<std::string> WeightStore::names() const {
  std::vector<std::string> out;
  out.reserve(views_.size());
  for (const auto& v : views_) out.push_back(v.name);
  return out;
}

}  // namespace bertq::io
