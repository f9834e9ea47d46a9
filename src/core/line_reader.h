// Streams the lines of a plain or gzip-compressed file (detected by its magic bytes, not its
// name), or of standard input ("-"). Lines are split on '\n' only: U+0085 (NEL), U+2028 and a
// lone '\r' are text, as the IMDB JSON Lines files require. A trailing '\r' before '\n' is
// kept too; callers that accept CRLF strip it. Line numbers start at 1.
//
//   bertq::LineReader r("train.jsonl.gz");
//   std::string line;
//   while (r.next(line)) use(line, r.line_number());
#pragma once

#include <cstdint>
#include <string>

namespace bertq {

class LineReader {
 public:
  // max_line_bytes: a longer line is an error naming the file and line (0 = no limit).
  explicit LineReader(const std::string& path, size_t max_line_bytes = 0);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line (without its '\n') into `line`; false at end of input.
  bool next(std::string& line);
  uint64_t line_number() const { return line_no_; }
  const std::string& path() const { return path_; }
  // Uncompressed bytes consumed so far (for progress).
  uint64_t bytes_read() const { return bytes_; }

 private:
  bool fill();

  std::string path_;
  void* gz_ = nullptr;  // gzFile
  size_t max_line_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_no_ = 0, bytes_ = 0;
};

}  // namespace bertq
