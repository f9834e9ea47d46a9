// File and buffer line sources. Progress is known for plain files (bytes read / file size);
// for gzip files the uncompressed size is unknown up front, so it is reported as -1.
#include "data/line_source.h"

#include <sys/stat.h>

#include "core/line_reader.h"

namespace bertq::data {
namespace {

class FileLineSource : public LineSource {
 public:
  explicit FileLineSource(const std::string& path) : reader_(path) {
    name_ = path;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
    // gzip (magic 1f 8b): the uncompressed size is unknown up front.
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f != nullptr) {
      unsigned char m[2] = {0, 0};
      if (std::fread(m, 1, 2, f) == 2 && m[0] == 0x1f && m[1] == 0x8b) size_ = 0;
      std::fclose(f);
    }
  }
  bool next(std::string& line) override { return reader_.next(line); }
  uint64_t line_number() const override { return reader_.line_number(); }
  double progress() const override {
    if (size_ == 0) return -1;
    const double p = static_cast<double>(reader_.bytes_read()) / static_cast<double>(size_);
    return p > 1 ? 1 : p;
  }

 private:
  LineReader reader_;
  uint64_t size_ = 0;
};

class BufferLineSource : public LineSource {
 public:
  BufferLineSource(std::string data, std::string name) : data_(std::move(data)) {
    name_ = std::move(name);
  }
  bool next(std::string& line) override {
    if (pos_ >= data_.size()) return false;
    const size_t nl = data_.find('\n', pos_);
    const size_t end = nl == std::string::npos ? data_.size() : nl;
    line.assign(data_, pos_, end - pos_);
    pos_ = nl == std::string::npos ? data_.size() : nl + 1;
    ++line_no_;
    return true;
  }
  uint64_t line_number() const override { return line_no_; }
  double progress() const override {
    return data_.empty() ? 1.0 : static_cast<double>(pos_) / static_cast<double>(data_.size());
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  uint64_t line_no_ = 0;
};

}  // namespace

std::unique_ptr<LineSource> LineSource::from_file(const std::string& path) {
  return std::make_unique<FileLineSource>(path);
}

std::unique_ptr<LineSource> LineSource::from_buffer(std::string data, std::string name) {
  return std::make_unique<BufferLineSource>(std::move(data), std::move(name));
}

}  // namespace bertq::data
