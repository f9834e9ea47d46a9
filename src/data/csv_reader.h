// CSV / TSV reader (RFC 4180): quoted fields with "" escapes, delimiters and newlines inside
// quotes, CRLF or LF line ends, a UTF-8 byte order mark, plain or gzip files. The first
// record is the header; the text / label columns are chosen by name (or auto-detected: the
// Kaggle "IMDB Dataset.csv" `review,sentiment` works without options).
//
//   ReadOptions o;  o.text_column = "review";
//   auto r = bertq::data::open_csv("reviews.tsv", o);  // tab-separated by extension
//   auto b = bertq::data::read_csv_buffer("text,label\nhi,1\n", {});
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/example.h"

namespace bertq::data {

std::unique_ptr<DatasetReader> open_csv(const std::string& path, const ReadOptions& options = {});
// Parses an in-memory CSV document (tests, fuzzing); `name` stands in for the file name.
std::unique_ptr<DatasetReader> read_csv_buffer(std::string data, const ReadOptions& options = {},
                                               std::string name = "<buffer>");

// One record's parse result: COMPLETE, OPEN_QUOTE (a quoted field continues on the next line)
// or BAD_QUOTE (a character other than the delimiter follows a closing quote).
enum class CsvStatus { COMPLETE, OPEN_QUOTE, BAD_QUOTE };
// Splits one record (which may span lines joined by '\n') into fields. A '\r' ending the
// record outside quotes is dropped (CRLF files).
CsvStatus parse_csv_record(std::string_view record, char delimiter,
                           std::vector<std::string>& fields);

}  // namespace bertq::data
