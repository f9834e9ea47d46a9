// Where the CSV and JSON Lines readers get their lines from: a file (plain or gzip, through
// core/LineReader) or an in-memory buffer (tests, fuzzing). Lines are split on '\n' only.
//
//   auto src = bertq::data::LineSource::from_file("train.csv.gz");
//   std::string line;  while (src->next(line)) use(line, src->line_number());
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace bertq::data {

class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line without its '\n'; false at the end.
  virtual bool next(std::string& line) = 0;
  // 1-based number of the line last returned.
  virtual uint64_t line_number() const = 0;
  // Fraction consumed, 0..1, or -1 when unknown.
  virtual double progress() const = 0;
  const std::string& name() const { return name_; }

  static std::unique_ptr<LineSource> from_file(const std::string& path);
  static std::unique_ptr<LineSource> from_buffer(std::string data, std::string name);

 protected:
  std::string name_;
};

}  // namespace bertq::data
