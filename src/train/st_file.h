// A small private safetensors reader/writer for the trainer (8-byte little-endian header
// length, JSON header {name: {dtype, shape, data_offsets}}, raw little-endian data).
// TODO(train): replace with io::SafeTensorsFile / io::SafeTensorsWriter once src/io lands on
// main; the interface below mirrors theirs so the switch is mechanical.
//
//   train::StFile f("model.safetensors");
//   const train::StTensor& t = f.get("bert.pooler.dense.weight");   // t.dtype == "F32"
//   train::StWriter w;  w.add("x", "F32", {2, 3}, ptr, 24);  w.write("out.safetensors");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bertq {
class MappedFile;
}

namespace bertq::train {

struct StTensor {
  std::string name;
  std::string dtype;  // "F32", "F64", "BF16", "F16", "I64", "I32", "U8", ...
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t nbytes = 0;
  int64_t numel() const;
};

size_t st_dtype_size(const std::string& dtype);  // throws UNSUPPORTED for unknown dtypes

class StFile {
 public:
  explicit StFile(const std::string& path);
  ~StFile();
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  // Throws NOT_FOUND naming the file and the tensor.
  const StTensor& get(const std::string& name) const;
  const std::map<std::string, StTensor>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<MappedFile> file_;
  std::map<std::string, StTensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

class StWriter {
 public:
  // Copies the bytes. Names must be unique (INVALID_ARGUMENT otherwise).
  void add(const std::string& name, const std::string& dtype, std::vector<int64_t> shape,
           const void* data, size_t nbytes);
  void set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
  // Atomic write (core/file_util.h).
  void write(const std::string& path) const;

 private:
  struct Entry {
    std::string dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace bertq::train
