// CSV/TSV parsing as a small state machine over one record at a time:
//   field start: '"' opens a quoted field, the delimiter ends an empty field;
//   quoted: '""' is a literal quote, '"' then delimiter / end of record closes the field;
//   unquoted: runs to the next delimiter (a stray '"' inside is kept as text, as most
//   writers produce it).
// Records are lines; while a quoted field is open the next line is appended with '\n', so
// embedded newlines survive and the reported line is where the record started.
#include "data/csv_reader.h"

#include <algorithm>

#include "core/error.h"
#include "data/line_source.h"
#include "data/text_clean.h"

namespace bertq::data {

CsvStatus parse_csv_record(std::string_view rec, char delim, std::vector<std::string>& fields) {
  fields.clear();
  // A CR ending the whole record (CRLF line end) is not data.
  if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
  std::string field;
  size_t i = 0;
  const size_t n = rec.size();
  while (true) {
    field.clear();
    if (i < n && rec[i] == '"') {
      ++i;
      while (true) {
        if (i >= n) return CsvStatus::OPEN_QUOTE;
        const char c = rec[i];
        if (c == '"') {
          if (i + 1 < n && rec[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;  // closing quote
          break;
        }
        field.push_back(c);
        ++i;
      }
      if (i < n && rec[i] != delim) return CsvStatus::BAD_QUOTE;
    } else {
      const size_t end = std::min(rec.find(delim, i), n);
      field.assign(rec.substr(i, end - i));
      i = end;
    }
    fields.push_back(field);
    if (i >= n) return CsvStatus::COMPLETE;
    ++i;           // the delimiter
    if (i == n) {  // a trailing delimiter ends with one empty field
      fields.emplace_back();
      return CsvStatus::COMPLETE;
    }
  }
}

namespace {

constexpr const char* kTextNames[] = {"text", "review", "sentence", "content", "document"};
constexpr const char* kLabelNames[] = {"label", "sentiment", "labels", "class", "target"};

// Index of the column named `want` (case-insensitive) or numbered `want` (0-based), or -1.
int find_column(const std::vector<std::string>& header, const std::string& want) {
  const std::string w = ascii_lower(trim(want));
  for (size_t i = 0; i < header.size(); ++i)
    if (ascii_lower(trim(header[i])) == w) return static_cast<int>(i);
  if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      w.size() < 6) {
    const int k = std::stoi(w);
    if (k < static_cast<int>(header.size())) return k;
  }
  return -1;
}

std::string join_header(const std::vector<std::string>& header) {
  std::string s;
  for (const auto& h : header) s += (s.empty() ? "" : ", ") + h;
  return s;
}

class CsvReader : public DatasetReader {
 public:
  CsvReader(std::unique_ptr<LineSource> src, char delim, const ReadOptions& o)
      : DatasetReader(o), src_(std::move(src)), delim_(delim) {
    split_ = split_from_name(src_->name());
    read_header();
  }

  bool next(Example& ex) override {
    uint64_t line_no = 0;
    while (read_record(line_no)) {
      const std::string where = cat(src_->name(), ":", line_no);
      if (fields_.size() != header_.size()) {
        reject_row(where, cat("expected ", header_.size(), " columns, got ", fields_.size()));
        continue;
      }
      ex = Example{};
      ex.id = where;
      ex.split = split_;
      ex.text = std::move(fields_[text_col_]);
      if (pair_col_ >= 0) ex.text_pair = std::move(fields_[pair_col_]);
      if (label_col_ >= 0) ex.label_name = std::string(trim(fields_[label_col_]));
      set_label_from_name(ex);
      if (!finish_example(ex)) continue;
      return true;
    }
    return false;
  }

  std::string describe() const override {
    return cat(delim_ == '\t' ? "TSV" : "CSV", " file ", src_->name(), " (text column \"",
               header_[text_col_], "\"",
               label_col_ >= 0 ? cat(", label column \"", header_[label_col_], "\"") : "", ")");
  }
  double progress() const override { return src_->progress(); }

 private:
  static std::string split_from_name(const std::string& path) {
    std::string base = path.substr(path.find_last_of('/') + 1);
    return base.substr(0, base.find('.'));
  }

  // Reads the next non-blank record into fields_; line_no is the line it starts on. Broken
  // quoting is a bad row (in SKIP mode the reader continues after it).
  bool read_record(uint64_t& line_no) {
    while (src_->next(line_)) {
      line_no = src_->line_number();
      if (line_no == 1 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);
      if (line_.empty() || line_ == "\r") continue;
      CsvStatus st = parse_csv_record(line_, delim_, fields_);
      bool runaway = false;
      while (st == CsvStatus::OPEN_QUOTE) {
        if (line_.size() > options_.max_text_bytes + (1u << 20) || !src_->next(more_)) {
          runaway = true;
          break;
        }
        line_ += '\n';
        line_ += more_;
        st = parse_csv_record(line_, delim_, fields_);
      }
      const std::string where = cat(src_->name(), ":", line_no);
      if (runaway) {
        reject_row(where, "quoted field is never closed");
        continue;
      }
      if (st == CsvStatus::BAD_QUOTE) {
        reject_row(where,
                   "unexpected character after a closing quote (quotes inside a quoted "
                   "field must be doubled)");
        continue;
      }
      return true;
    }
    return false;
  }

  void read_header() {
    uint64_t line_no = 0;
    const ReadOptions::OnBadRow saved = options_.on_bad_row;
    options_.on_bad_row = ReadOptions::OnBadRow::ERROR;  // a broken header is never skippable
    const bool ok = read_record(line_no);
    options_.on_bad_row = saved;
    check(ok, ErrorCode::CORRUPT_FILE, src_->name(), ": empty file (no header row)");
    header_ = fields_;
    const std::string cols = join_header(header_);
    if (!options_.text_column.empty()) {
      text_col_ = find_column(header_, options_.text_column);
      check(text_col_ >= 0, ErrorCode::INVALID_ARGUMENT, src_->name(), ": no text column \"",
            options_.text_column, "\" (columns: ", cols, ")");
    } else {
      for (const char* n : kTextNames)
        if (text_col_ < 0) text_col_ = find_column(header_, n);
      if (text_col_ < 0 && header_.size() == 1) text_col_ = 0;
      check(text_col_ >= 0, ErrorCode::INVALID_ARGUMENT, src_->name(),
            ": cannot tell which column holds the text (columns: ", cols, "); pass --text-column");
    }
    if (!options_.label_column.empty()) {
      label_col_ = find_column(header_, options_.label_column);
      check(label_col_ >= 0, ErrorCode::INVALID_ARGUMENT, src_->name(), ": no label column \"",
            options_.label_column, "\" (columns: ", cols, ")");
    } else {
      for (const char* n : kLabelNames)
        if (label_col_ < 0) label_col_ = find_column(header_, n);
    }
    if (!options_.text_pair_field.empty()) {
      pair_col_ = find_column(header_, options_.text_pair_field);
      check(pair_col_ >= 0, ErrorCode::INVALID_ARGUMENT, src_->name(), ": no text-pair column \"",
            options_.text_pair_field, "\" (columns: ", cols, ")");
    }
  }

  std::unique_ptr<LineSource> src_;
  char delim_;
  std::string split_;
  std::vector<std::string> header_, fields_;
  std::string line_, more_;
  int text_col_ = -1, label_col_ = -1, pair_col_ = -1;
};

char delimiter_for(const std::string& name, const ReadOptions& o) {
  if (o.delimiter != 0) return o.delimiter;
  std::string n = ascii_lower(name);
  if (n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0) n.resize(n.size() - 3);
  return n.size() > 4 && n.compare(n.size() - 4, 4, ".tsv") == 0 ? '\t' : ',';
}

}  // namespace

std::unique_ptr<DatasetReader> open_csv(const std::string& path, const ReadOptions& options) {
  return std::make_unique<CsvReader>(LineSource::from_file(path), delimiter_for(path, options),
                                     options);
}

std::unique_ptr<DatasetReader> read_csv_buffer(std::string data, const ReadOptions& options,
                                               std::string name) {
  const char d = delimiter_for(name, options);
  return std::make_unique<CsvReader>(LineSource::from_buffer(std::move(data), std::move(name)), d,
                                     options);
}

}  // namespace bertq::data
