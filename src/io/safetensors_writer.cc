// SafeTensorsWriter: collects tensors (borrowed or owned) and writes a safetensors file
// atomically: 8-byte little-endian header length, JSON header padded with spaces to a multiple
// of 8, then the tensors back to back, widest dtype first so each one is naturally aligned.
#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "io/safetensors.h"

namespace bertq::io {

void SafeTensorsWriter::add(const std::string& name, DType dtype, std::vector<int64_t> shape,
                            const void* data, size_t nbytes) {
  check(!name.empty() && name != "__metadata__", ErrorCode::INVALID_ARGUMENT,
        "safetensors writer: invalid tensor name \"", name, "\"");
  check(index_.count(name) == 0, ErrorCode::INVALID_ARGUMENT, "safetensors writer: tensor ", name,
        " added twice");
  uint64_t numel = 1;
  for (int64_t d : shape) {
    check(d >= 0, ErrorCode::INVALID_ARGUMENT, "safetensors writer: tensor ", name,
          ": negative dimension in ", shape_str(shape));
    numel *= static_cast<uint64_t>(d);
  }
  check(numel * dtype_size(dtype) == nbytes, ErrorCode::INVALID_ARGUMENT,
        "safetensors writer: tensor ", name, ": ", dtype_name(dtype), " ", shape_str(shape),
        " needs ", numel * dtype_size(dtype), " bytes, got ", nbytes);
  check(data != nullptr || nbytes == 0, ErrorCode::INVALID_ARGUMENT, "safetensors writer: tensor ",
        name, ": null data");
  index_[name] = entries_.size();
  entries_.push_back({name, dtype, std::move(shape), data, nbytes, nullptr});
}

void SafeTensorsWriter::add_owned(const std::string& name, DType dtype, std::vector<int64_t> shape,
                                  std::vector<uint8_t> bytes) {
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  add(name, dtype, std::move(shape), owned->data(), owned->size());
  entries_.back().owned = std::move(owned);
}

void SafeTensorsWriter::add_f32(const std::string& name, std::vector<int64_t> shape,
                                std::vector<float> values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  add_owned(name, DType::F32, std::move(shape), std::move(bytes));
}

void SafeTensorsWriter::set_metadata(const std::string& key, const std::string& value) {
  metadata_[key] = value;
}

SafeTensorsWriter SafeTensorsWriter::renamed(
    const std::function<std::string(const std::string&)>& rename) const {
  SafeTensorsWriter w;
  w.metadata_ = metadata_;
  for (const Entry& e : entries_) {
    w.add(rename(e.name), e.dtype, e.shape, e.data, e.nbytes);
    w.entries_.back().owned = e.owned;
  }
  return w;
}

bool SafeTensorsWriter::contains(const std::string& name) const {
  return index_.count(name) > 0;
}

std::vector<TensorView> SafeTensorsWriter::tensors() const {
  std::vector<TensorView> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back({e.name, e.dtype, e.shape, e.data, e.nbytes});
  return out;
}

std::string SafeTensorsWriter::header_and_order(std::vector<const Entry*>& order) const {
  order.clear();
  for (const Entry& e : entries_) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    const size_t sa = dtype_size(a->dtype), sb = dtype_size(b->dtype);
    return sa != sb ? sa > sb : a->name < b->name;
  });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  uint64_t offset = 0;
  for (const Entry* e : order) {
    header[e->name] = {{"dtype", std::string(dtype_name(e->dtype))},
                       {"shape", e->shape},
                       {"data_offsets", {offset, offset + e->nbytes}}};
    offset += e->nbytes;
  }
  std::string text = header.dump();
  text.append((8 - (text.size() % 8)) % 8, ' ');
  return text;
}

namespace {

std::string length_prefix(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

}  // namespace

void SafeTensorsWriter::write(const std::string& path) const {
  std::vector<const Entry*> order;
  const std::string header = header_and_order(order);
  AtomicFileWriter out(path);
  out.write(length_prefix(header.size()));
  out.write(header);
  for (const Entry* e : order)
    if (e->nbytes > 0) out.write(e->data, e->nbytes);
  out.commit();
}

std::string SafeTensorsWriter::serialize() const {
  std::vector<const Entry*> order;
  const std::string header = header_and_order(order);
  std::string out = length_prefix(header.size()) + header;
  for (const Entry* e : order)
    if (e->nbytes > 0) out.append(static_cast<const char*>(e->data), e->nbytes);
  return out;
}

}  // namespace bertq::io
