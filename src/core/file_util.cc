#include "core/file_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.h"

namespace bertq {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

std::string dirname_of(const std::string& path) {
  const auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

}  // namespace

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, errno == ENOENT ? ErrorCode::NOT_FOUND : ErrorCode::IO, path,
        ": cannot open: ", errno_text());
  std::string out;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string msg = cat(path, ": read failed: ", errno_text());
      ::close(fd);
      throw Error(ErrorCode::IO, msg);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool dir_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  check(!ec, ErrorCode::IO, path, ": cannot create folder: ", ec.message());
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (!b.empty() && b.front() == '/') return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  std::random_device rd;
  tmp_ = cat(path_, ".tmp.", ::getpid(), ".", rd());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  check(fd_ >= 0, ErrorCode::IO, path_, ": cannot create temp file ", tmp_, ": ", errno_text());
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFileWriter::write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    check(n > 0, ErrorCode::IO, path_, ": write failed: ", errno_text());
    p += n;
    size -= static_cast<size_t>(n);
    written_ += static_cast<uint64_t>(n);
  }
}

void AtomicFileWriter::commit() {
  check(!committed_, ErrorCode::INTERNAL, path_, ": committed twice");
  check(::fsync(fd_) == 0, ErrorCode::IO, path_, ": fsync failed: ", errno_text());
  check(::close(fd_) == 0, ErrorCode::IO, path_, ": close failed: ", errno_text());
  fd_ = -1;
  check(::rename(tmp_.c_str(), path_.c_str()) == 0, ErrorCode::IO, path_, ": rename from ", tmp_,
        " failed: ", errno_text());
  committed_ = true;
  // Make the rename itself durable.
  const int dfd = ::open(dirname_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  AtomicFileWriter w(path);
  w.write(contents);
  w.commit();
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, errno == ENOENT ? ErrorCode::NOT_FOUND : ErrorCode::IO, path,
        ": cannot open: ", errno_text());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::IO, cat(path, ": not a regular file"));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const std::string msg = cat(path, ": mmap failed: ", errno_text());
      ::close(fd);
      throw Error(ErrorCode::IO, msg);
    }
    data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

void write_dir_atomic(const std::string& dir, const std::function<void(const std::string&)>& fill) {
  namespace fs = std::filesystem;
  const std::string tmp = dir + ".tmp", old = dir + ".old";
  std::error_code ec;
  // An interrupted earlier swap left the only complete copy in dir.old: put it back first.
  if (!fs::exists(dir) && fs::exists(old)) {
    fs::rename(old, dir, ec);
    check(!ec, ErrorCode::IO, old, ": cannot rename back to ", dir, ": ", ec.message());
  }
  fs::remove_all(tmp, ec);
  make_dirs(tmp);
  try {
    fill(tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  if (fs::exists(dir)) {
    fs::remove_all(old, ec);
    fs::rename(dir, old, ec);
    check(!ec, ErrorCode::IO, dir, ": cannot rename to ", old, ": ", ec.message());
  }
  fs::rename(tmp, dir, ec);
  check(!ec, ErrorCode::IO, tmp, ": cannot rename to ", dir, ": ", ec.message());
  fs::remove_all(old, ec);
}

std::string find_complete_dir(const std::string& dir) {
  if (dir_exists(dir)) return dir;
  if (dir_exists(dir + ".old")) return dir + ".old";
  return "";
}

}  // namespace bertq
