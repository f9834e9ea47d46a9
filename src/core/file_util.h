// Files: whole-file reads, atomic writes (temp file in the same folder + fsync + rename, so a
// crash leaves either the old file or the new one, never half of one), atomic folder
// replacement and read-only mmap.
//
//   bertq::write_file_atomic("out/config.json", text);
//   bertq::write_dir_atomic("run/checkpoint", [&](const std::string& tmp) { /* fill tmp */ });
//   bertq::MappedFile f("model.safetensors");  f.data(), f.size()
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace bertq {

std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
bool dir_exists(const std::string& path);
// Creates a folder and its parents (like mkdir -p).
void make_dirs(const std::string& path);
std::string join_path(const std::string& a, const std::string& b);

// Writes `contents` to `path` atomically.
void write_file_atomic(const std::string& path, std::string_view contents);

// Writes the folder `dir` atomically: fill(dir + ".tmp") builds the new folder, then the old one
// (if any) is renamed to dir + ".old", the new one renamed into place and the old one removed.
// A crash leaves dir whole (old or new), or, between the two renames, dir + ".old" alone: the
// next write_dir_atomic renames it back first, and readers find it with find_complete_dir. A
// stale dir + ".tmp" is removed first; if fill throws, its partial folder is removed. One
// writer per `dir` at a time.
void write_dir_atomic(const std::string& dir, const std::function<void(const std::string&)>& fill);
// The complete folder to read: dir, or dir + ".old" after an interrupted swap; "" if none.
std::string find_complete_dir(const std::string& dir);

// Streams a file atomically: the callback writes to the temp file's descriptor through
// `write(const void*, size_t)`; the file appears at `path` only when it returns normally.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();  // removes the temp file unless commit() ran
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view s) { write(s.data(), s.size()); }
  uint64_t bytes_written() const { return written_; }
  void commit();  // fsync + rename over `path`

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  uint64_t written_ = 0;
  bool committed_ = false;
};

// Read-only memory map of a whole file. Empty files map to size 0 with a null data().
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bertq
