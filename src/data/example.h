// The record every dataset reader produces, the options readers share, and the streaming
// reader interface. Readers only parse; labels are turned into ids by LabelMap (label_map.h)
// in load_dataset / map_labels.
//
//   auto r = bertq::data::open_dataset("imdb:test");
//   bertq::data::Example ex;
//   while (r->next(ex)) use(ex.text, ex.label_name);
//   if (r->bad_rows()) log("skipped ", r->bad_rows(), " malformed rows");
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bertq::data {

struct Example {
  std::string text;
  std::string text_pair;   // empty if none
  int label = -1;          // -1 unlabelled (or not yet mapped; see LabelMap)
  std::string label_name;  // as in the source, e.g. "positive", "pos" or "1"; empty if unlabelled
  std::string id;          // "file:line" or the aclImdb path, e.g. "train/neg/0_3.txt"
  std::string split;       // "train", "test", "unsup", or the file's stem; empty if unknown
};

struct ReadOptions {
  // JSON Lines field names; text_pair_field is also the CSV column of the second segment.
  std::string text_field = "text", label_field = "label", text_pair_field;
  // CSV/TSV header names (case-insensitive) or 0-based column numbers; empty = auto-detect
  // (text: text, review, sentence, content, document; label: label, sentiment, labels, class).
  std::string text_column, label_column;
  char delimiter = 0;  // 0 = by extension (.tsv -> tab, otherwise comma)
  enum class OnBadRow { ERROR, SKIP } on_bad_row = OnBadRow::ERROR;
  bool clean_html_breaks = false;  // "<br />", "<br/>", "<br>" -> "\n"
  size_t max_text_bytes = 10 << 20;
};

// "error" / "skip" (what --on-bad-row takes); INVALID_ARGUMENT naming the value otherwise.
ReadOptions::OnBadRow parse_on_bad_row(std::string_view name);

// A stream of examples from one source. Malformed rows throw Error(CORRUPT_FILE) naming the
// file, line and reason, or, with OnBadRow::SKIP, are counted in bad_rows().
class DatasetReader {
 public:
  virtual ~DatasetReader() = default;
  // Reads the next example into `ex` (all fields overwritten); false at the end.
  virtual bool next(Example& ex) = 0;
  virtual size_t bad_rows() const { return bad_rows_; }
  // What is being read, e.g. "JSON Lines file data/test.jsonl.gz".
  virtual std::string describe() const = 0;
  // Fraction of the input consumed, 0..1, or -1 when unknown.
  virtual double progress() const { return -1; }

 protected:
  explicit DatasetReader(const ReadOptions& options) : options_(options) {}
  // A malformed row at `where` ("file:line"): throws, or counts it in SKIP mode.
  void reject_row(const std::string& where, const std::string& reason);
  // Applies the shared text rules (max_text_bytes, UTF-8, <br /> cleaning) to ex.text and
  // ex.text_pair; returns false after reject_row when they fail.
  bool finish_example(Example& ex);

  ReadOptions options_;
  size_t bad_rows_ = 0;
};

// Sets ex.label from ex.label_name when it is a non-negative integer ("0", "1", ...); a name
// "-1" or "" means unlabelled (label -1, name cleared). Other names keep label -1.
void set_label_from_name(Example& ex);

}  // namespace bertq::data
