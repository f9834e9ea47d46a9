// CSV/TSV reader: RFC 4180 quoting, embedded newlines, CRLF, BOM, column detection (Kaggle
// "IMDB Dataset.csv"), bad rows with file:line errors and skip counting, gzip files.
#include "data/csv_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "common/test_util.h"
#include "data/dataset.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

using testing::drain;
using testing::error_of;

TEST(CsvRecord, QuotesDelimitersAndEscapes) {
  std::vector<std::string> f;
  EXPECT_EQ(parse_csv_record(R"(a,"b,c","say ""hi""",)", ',', f), CsvStatus::COMPLETE);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(f[2], "say \"hi\"");
  EXPECT_EQ(f[3], "");
  EXPECT_EQ(parse_csv_record("\"open,field", ',', f), CsvStatus::OPEN_QUOTE);
  EXPECT_EQ(parse_csv_record("\"closed\"x,y", ',', f), CsvStatus::BAD_QUOTE);
  EXPECT_EQ(parse_csv_record("x\ty\r", '\t', f), CsvStatus::COMPLETE);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1], "y");  // CR of a CRLF line end dropped
}

TEST(CsvReader, KaggleImdbLayoutWithBomCrlfAndEmbeddedNewlines) {
  const std::string csv =
      "\xEF\xBB\xBFreview,sentiment\r\n"
      "\"Great film.<br /><br />Loved it, really.\",positive\r\n"
      "\"Two\r\nlines and \"\"quotes\"\"\",negative\r\n"
      "plain text,positive\r\n";
  auto r = read_csv_buffer(csv, {}, "IMDB Dataset.csv");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].text, "Great film.<br /><br />Loved it, really.");
  EXPECT_EQ(ex[0].label_name, "positive");
  EXPECT_EQ(ex[1].text, "Two\r\nlines and \"quotes\"");
  EXPECT_EQ(ex[1].label_name, "negative");
  EXPECT_EQ(ex[1].id, "IMDB Dataset.csv:3");
  EXPECT_EQ(ex[2].id, "IMDB Dataset.csv:5");  // the quoted newline moved it down a line
  EXPECT_EQ(ex[2].text, "plain text");
  EXPECT_EQ(r->bad_rows(), 0u);
}

TEST(CsvReader, ExplicitColumnsTsvAndCleaning) {
  ReadOptions o;
  o.text_column = "body";
  o.label_column = "stars";
  o.clean_html_breaks = true;
  auto r = read_csv_buffer("id\tbody\tstars\n7\tA<br />B<BR/>C\t5\n", o, "x.tsv");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text, "A\nB\nC");
  EXPECT_EQ(ex[0].label_name, "5");
  EXPECT_EQ(ex[0].label, 5);
  o.text_column = "nope";
  const std::string msg = error_of([&] { read_csv_buffer("a,b\n1,2\n", o, "f.csv"); });
  EXPECT_NE(msg.find("f.csv: no text column \"nope\" (columns: a, b)"), std::string::npos) << msg;
}

TEST(CsvReader, WrongColumnCountNamesFileAndLine) {
  const std::string csv = "text,label\nok,1\ntoo,many,cols\nfine,0\n";
  const std::string msg = error_of([&] { drain(*read_csv_buffer(csv, {}, "bad.csv")); });
  EXPECT_NE(msg.find("bad.csv:3: expected 2 columns, got 3"), std::string::npos) << msg;
  ReadOptions skip;
  skip.on_bad_row = ReadOptions::OnBadRow::SKIP;
  auto r = read_csv_buffer(csv, skip, "bad.csv");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[1].text, "fine");
  EXPECT_EQ(r->bad_rows(), 1u);
}

TEST(CsvReader, BadQuotingAndUnterminatedQuote) {
  ReadOptions skip;
  skip.on_bad_row = ReadOptions::OnBadRow::SKIP;
  auto r = read_csv_buffer("text,label\n\"x\"y,1\ngood,0\n\"never closed,1\nmore\n", skip, "q.csv");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text, "good");
  EXPECT_EQ(r->bad_rows(), 2u);
  const std::string msg =
      error_of([&] { drain(*read_csv_buffer("text\n\"never closed\nmore\n", {}, "q.csv")); });
  EXPECT_NE(msg.find("q.csv:2: quoted field is never closed"), std::string::npos) << msg;
}

TEST(CsvReader, InvalidUtf8IsABadRow) {
  const std::string msg =
      error_of([&] { drain(*read_csv_buffer("text\nab\xC0\xAF\n", {}, "u.csv")); });
  EXPECT_NE(msg.find("u.csv:2: text is not valid UTF-8"), std::string::npos) << msg;
}

TEST(CsvReader, NoTextColumnOrEmptyFile) {
  EXPECT_NE(error_of([] { read_csv_buffer("a,b\n1,2\n", {}, "f.csv"); }).find("--text-column"),
            std::string::npos);
  EXPECT_NE(error_of([] { read_csv_buffer("", {}, "e.csv"); }).find("e.csv: empty file"),
            std::string::npos);
}

TEST(CsvReader, GzipFileThroughOpenDatasetAndLabelMapping) {
  bertq::testing::TempDir dir;
  const std::string path = dir.file("reviews.csv.gz");
  const std::string csv = "review,sentiment\n\"a, b\",positive\nc,negative\nd,positive\n";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, csv.data(), static_cast<unsigned>(csv.size()));
  gzclose(gz);
  const Dataset ds = load_dataset(path);
  ASSERT_EQ(ds.examples.size(), 3u);
  EXPECT_EQ(ds.labels.names, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  EXPECT_EQ(ds.examples[0].text, "a, b");
  EXPECT_EQ(ds.examples[0].label, 1);
  EXPECT_EQ(ds.examples[1].label, 0);
  EXPECT_EQ(ds.examples[0].split, "reviews");
}

}  // namespace
}  // namespace bertq::data
