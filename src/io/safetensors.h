// safetensors files: a validating, memory-mapped reader and an atomic writer.
//
// Format: 8-byte little-endian header length N, then N bytes of UTF-8 JSON
//   {"__metadata__": {"k": "v"}, "NAME": {"dtype": "F32", "shape": [768, 3072],
//    "data_offsets": [BEGIN, END]}, ...}
// (padded with spaces), then the data section; offsets are relative to its start (byte 8 + N).
// Data is raw little-endian, row-major.
//
// The reader checks everything before any tensor is handed out: header length (<= 100 MB and
// inside the file), JSON well-formed and an object, each entry's fields and their JSON types,
// known dtype, non-negative dims without numel overflow, END - BEGIN == numel * dtype_size,
// BEGIN <= END <= data size, no two byte ranges overlapping, no duplicate names. Any failure
// throws bertq::Error (CORRUPT_FILE, or UNSUPPORTED for a valid but unhandled dtype such as
// F8_E4M3) whose message starts with "FILE: " and names the tensor. Gaps between tensors are
// accepted. Tensor data is not necessarily aligned: read it with memcpy, or let WeightStore
// (model_folder.h) hand out aligned F32.
//
//   bertq::io::SafeTensorsFile f("model.safetensors");
//   const auto& w = f.get("classifier.weight");        // NOT_FOUND error if absent
//   if (w.dtype == DType::F32) use(static_cast<const float*>(w.data), w.numel());
//
//   bertq::io::SafeTensorsWriter out;
//   out.add_f32("classifier.weight", {2, 768}, std::move(values));
//   out.add("bert.x", DType::I8, {768, 768}, ptr, 768 * 768);   // ptr valid until write()
//   out.write("model.safetensors");                            // temp file + rename
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/dtype.h"

namespace bertq::io {

// Largest accepted JSON header (the safetensors library uses the same bound).
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;

  int64_t numel() const;
  std::string shape_str() const;  // "[768, 3072]"; "[]" for a scalar
};

// "[768, 3072]"
std::string shape_str(const std::vector<int64_t>& shape);

class SafeTensorsFile {
 public:
  // Memory-maps and validates `path`.
  explicit SafeTensorsFile(const std::string& path);
  // Validates an in-memory copy of a file's bytes; `name` stands for the path in messages.
  static SafeTensorsFile from_buffer(std::string bytes, const std::string& name = "<buffer>");

  const std::string& path() const { return path_; }
  // Ordered by data offset (then name): the order of the bytes in the file.
  const std::vector<TensorView>& tensors() const { return tensors_; }
  const TensorView* find(std::string_view name) const;  // nullptr if absent
  const TensorView& get(std::string_view name) const;   // NOT_FOUND "FILE: tensor NAME not found"
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Size in bytes of the whole file.
  size_t file_size() const { return size_; }
  // For tensors copied into another form that the process keeps (the engine's packed INT8
  // matrices), so they do not count twice in its RSS: the whole pages of `t`'s bytes in a
  // memory-mapped file leave the process (MADV_DONTNEED; a later read maps them again from the
  // file). A no-op for an in-memory buffer or a view that does not point into this file.
  void release_pages(const TensorView& t) const;

 private:
  SafeTensorsFile() = default;
  void parse(const uint8_t* bytes, size_t size);

  std::string path_;
  std::shared_ptr<const void> storage_;  // the mapping or buffer the views point into
  const uint8_t* base_ = nullptr;        // its first byte
  bool mapped_ = false;                  // storage_ is a read-only file mapping
  size_t size_ = 0;
  std::vector<TensorView> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

class SafeTensorsWriter {
 public:
  // Borrowed: `data` (nbytes == numel * dtype_size) must stay valid until write().
  void add(const std::string& name, DType dtype, std::vector<int64_t> shape, const void* data,
           size_t nbytes);
  // Owned copies.
  void add_f32(const std::string& name, std::vector<int64_t> shape, std::vector<float> values);
  void add_owned(const std::string& name, DType dtype, std::vector<int64_t> shape,
                 std::vector<uint8_t> bytes);
  void set_metadata(const std::string& key, const std::string& value);
  // A writer of the same tensors (sharing their bytes) and metadata under rename(name).
  SafeTensorsWriter renamed(const std::function<std::string(const std::string&)>& rename) const;

  bool contains(const std::string& name) const;
  // The tensors added so far, in insertion order (data points to the borrowed or owned bytes).
  std::vector<TensorView> tensors() const;
  size_t size() const { return entries_.size(); }

  // Writes the file atomically. Header padded with spaces to a multiple of 8 bytes like the
  // Hugging Face library; tensors laid out contiguously, widest dtype first (then by name), so
  // every tensor starts at a multiple of its element size in the file.
  void write(const std::string& path) const;
  // The same bytes, in memory (tests, fuzz seeds).
  std::string serialize() const;

 private:
  struct Entry {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    const void* data;
    size_t nbytes;
    std::shared_ptr<std::vector<uint8_t>> owned;
  };
  std::string header_and_order(std::vector<const Entry*>& order) const;

  std::vector<Entry> entries_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace bertq::io
