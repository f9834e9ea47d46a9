// Private safetensors reader/writer (see st_file.h). Validates the header: offsets in range,
// sizes equal to numel * dtype size, no overlap beyond the data section.
#include "train/st_file.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::train {

int64_t StTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

size_t st_dtype_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "BF16" || dtype == "F16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  throw Error(ErrorCode::UNSUPPORTED, cat("safetensors dtype ", dtype, " is not supported"));
}

StFile::~StFile() = default;

StFile::StFile(const std::string& path) : path_(path) {
  check(file_exists(path), ErrorCode::NOT_FOUND, cat(path, ": no such file"));
  file_ = std::make_unique<MappedFile>(path);
  const uint8_t* p = file_->data();
  const size_t size = file_->size();
  check(size >= 8, ErrorCode::CORRUPT_FILE, cat(path, ": too short for a safetensors header"));
  uint64_t hlen = 0;
  std::memcpy(&hlen, p, 8);
  check(hlen <= size - 8, ErrorCode::CORRUPT_FILE,
        cat(path, ": header length ", hlen, " exceeds the file size ", size));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(p + 8),
                                   reinterpret_cast<const char*>(p + 8 + hlen));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": bad JSON header: ", e.what()));
  }
  check(header.is_object(), ErrorCode::CORRUPT_FILE, cat(path, ": header is not an object"));
  const uint8_t* base = p + 8 + hlen;
  const size_t data_size = size - 8 - hlen;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (it->is_object())
        for (auto m = it->begin(); m != it->end(); ++m)
          if (m->is_string()) metadata_[m.key()] = m->get<std::string>();
      continue;
    }
    try {
      StTensor t;
      t.name = it.key();
      t.dtype = it->at("dtype").get<std::string>();
      t.shape = it->at("shape").get<std::vector<int64_t>>();
      const auto off = it->at("data_offsets").get<std::vector<uint64_t>>();
      check(off.size() == 2 && off[0] <= off[1] && off[1] <= data_size, ErrorCode::CORRUPT_FILE,
            "data_offsets out of range");
      for (int64_t d : t.shape) check(d >= 0, ErrorCode::CORRUPT_FILE, "negative dimension");
      t.nbytes = off[1] - off[0];
      check(t.nbytes == static_cast<uint64_t>(t.numel()) * st_dtype_size(t.dtype),
            ErrorCode::CORRUPT_FILE, cat("byte size ", t.nbytes, " does not match shape and dtype"));
      t.data = base + off[0];
      tensors_.emplace(t.name, std::move(t));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": tensor ", it.key(), ": ", e.what()));
    } catch (const Error& e) {
      rethrow_with_context(e, cat(path, ": tensor ", it.key()));
    }
  }
}

const StTensor& StFile::get(const std::string& name) const {
  auto it = tensors_.find(name);
  check(it != tensors_.end(), ErrorCode::NOT_FOUND, cat(path_, ": no tensor named ", name));
  return it->second;
}

void StWriter::add(const std::string& name, const std::string& dtype, std::vector<int64_t> shape,
                   const void* data, size_t nbytes) {
  check(entries_.count(name) == 0, ErrorCode::INVALID_ARGUMENT,
        cat("safetensors writer: duplicate tensor ", name));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  check(static_cast<size_t>(n) * st_dtype_size(dtype) == nbytes, ErrorCode::INVALID_ARGUMENT,
        cat("safetensors writer: tensor ", name, ": ", nbytes, " bytes for ", n, " x ", dtype));
  Entry e{dtype, std::move(shape), {}};
  e.bytes.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + nbytes);
  entries_.emplace(name, std::move(e));
}

void StWriter::write(const std::string& path) const {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  uint64_t off = 0;
  for (const auto& [name, e] : entries_) {
    header[name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {off, off + e.bytes.size()}}};
    off += e.bytes.size();
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 8 != 0) h.push_back(' ');  // align the data section to 8 bytes
  AtomicFileWriter w(path);
  const uint64_t hlen = h.size();
  w.write(&hlen, 8);
  w.write(h);
  for (const auto& [name, e] : entries_) w.write(e.bytes.data(), e.bytes.size());
  w.commit();
}

}  // namespace bertq::train
