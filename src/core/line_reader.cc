#include "core/line_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace bertq {

LineReader::LineReader(const std::string& path, size_t max_line_bytes)
    : path_(path), max_line_(max_line_bytes) {
  // gzdopen reads plain files transparently, so one code path serves both.
  int fd = path == "-" ? ::dup(0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, errno == ENOENT ? ErrorCode::NOT_FOUND : ErrorCode::IO, path,
        ": cannot open: ", std::strerror(errno));
  gz_ = gzdopen(fd, "rb");
  if (gz_ == nullptr) {
    ::close(fd);
    throw Error(ErrorCode::IO, cat(path, ": cannot open for reading"));
  }
  gzbuffer(static_cast<gzFile>(gz_), 1 << 17);
}

LineReader::~LineReader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

bool LineReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old = buf_.size();
  constexpr size_t kChunk = 1 << 17;
  buf_.resize(old + kChunk);
  const int n = gzread(static_cast<gzFile>(gz_), buf_.data() + old, kChunk);
  if (n < 0) {
    int errnum = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &errnum);
    throw Error(ErrorCode::CORRUPT_FILE,
                cat(path_, ": read failed after line ", line_no_, ": ", msg ? msg : "gzip error"));
  }
  buf_.resize(old + static_cast<size_t>(n));
  if (n == 0) {
    // gzread returns 0 at the end; a truncated gzip stream is reported by gzerror.
    int errnum = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
      throw Error(ErrorCode::CORRUPT_FILE,
                  cat(path_, ": truncated or corrupt after line ", line_no_, ": ", msg));
    }
    eof_ = true;
  }
  return n > 0;
}

bool LineReader::next(std::string& line) {
  size_t scan_from = pos_;
  while (true) {
    const size_t nl = buf_.find('\n', scan_from);
    if (nl != std::string::npos) {
      check(max_line_ == 0 || nl - pos_ <= max_line_, ErrorCode::INVALID_ARGUMENT, path_, ":",
            line_no_ + 1, ": line longer than ", max_line_, " bytes");
      line.assign(buf_, pos_, nl - pos_);
      bytes_ += nl - pos_ + 1;
      pos_ = nl + 1;
      ++line_no_;
      break;
    }
    if (max_line_ > 0 && buf_.size() - pos_ > max_line_) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  cat(path_, ":", line_no_ + 1, ": line longer than ", max_line_, " bytes"));
    }
    const size_t scanned = buf_.size() - pos_;
    if (!fill()) {
      if (pos_ >= buf_.size()) return false;
      line.assign(buf_, pos_, std::string::npos);  // last line without '\n'
      bytes_ += buf_.size() - pos_;
      pos_ = buf_.size();
      ++line_no_;
      break;
    }
    scan_from = pos_ + scanned;
  }
  return true;
}

}  // namespace bertq
