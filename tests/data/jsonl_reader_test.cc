// JSON Lines reader: plain and gzip, configurable fields, labels as ints / strings / null,
// U+0085 inside texts, and every kind of bad row (bad JSON, missing field, wrong type).
#include "data/jsonl_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "common/test_util.h"
#include "data/dataset.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

using testing::drain;
using testing::error_of;

TEST(JsonlReader, FieldsLabelsAndNel) {
  const std::string data =
      "{\"text\": \"one\\u0085two\", \"label\": 1}\n"
      "\n"
      "{\"text\": \"raw \xC2\x85 nel\", \"label\": \"neg\"}\n"
      "{\"text\": \"unlabelled\", \"label\": -1}\n"
      "{\"text\": \"null label\", \"label\": null}\n"
      "{\"text\": \"no label\"}\n";
  auto r = read_jsonl_buffer(data, {}, "t.jsonl");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 5u);
  EXPECT_EQ(ex[0].text, "one\xC2\x85two");
  EXPECT_EQ(ex[0].label, 1);
  EXPECT_EQ(ex[0].label_name, "1");
  EXPECT_EQ(ex[1].text, "raw \xC2\x85 nel");
  EXPECT_EQ(ex[1].label_name, "neg");
  EXPECT_EQ(ex[1].label, -1);  // names are mapped by LabelMap later
  EXPECT_EQ(ex[1].id, "t.jsonl:3");
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(ex[i].label, -1) << i;
    EXPECT_EQ(ex[i].label_name, "") << i;
  }
}

TEST(JsonlReader, ConfigurableFieldNames) {
  ReadOptions o;
  o.text_field = "sentence";
  o.label_field = "y";
  o.text_pair_field = "hypothesis";
  auto r = read_jsonl_buffer("{\"sentence\":\"a\",\"hypothesis\":\"b\",\"y\":\"entailment\"}\n", o);
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text, "a");
  EXPECT_EQ(ex[0].text_pair, "b");
  EXPECT_EQ(ex[0].label_name, "entailment");
}

TEST(JsonlReader, BadRowsNameFileLineAndReason) {
  struct Case {
    std::string line, reason;
  };
  const std::vector<Case> cases = {
      {"{\"text\": \"x\", ", "invalid JSON"},
      {"[1, 2]", "expected a JSON object, got array"},
      {"{\"label\": 1}", "missing field \"text\""},
      {"{\"text\": 5, \"label\": 1}", "field \"text\" must be a string, got number"},
      {"{\"text\": \"x\", \"label\": [1]}",
       "field \"label\" must be an integer or a string, got array"},
      {"{\"text\": \"x\", \"label\": 1.5}",
       "field \"label\" must be an integer or a string, got number"},
  };
  for (const auto& c : cases) {
    const std::string data = "{\"text\": \"ok\", \"label\": 0}\n" + c.line + "\n";
    const std::string msg = error_of([&] { drain(*read_jsonl_buffer(data, {}, "b.jsonl")); });
    EXPECT_NE(msg.find("b.jsonl:2: " + c.reason), std::string::npos) << c.line << " -> " << msg;
  }
  ReadOptions skip;
  skip.on_bad_row = ReadOptions::OnBadRow::SKIP;
  std::string data = "{\"text\": \"ok\", \"label\": 0}\n";
  for (const auto& c : cases) data += c.line + "\n";
  data += "{\"text\": \"last\", \"label\": 1}\n";
  auto r = read_jsonl_buffer(data, skip, "b.jsonl");
  const auto ex = drain(*r);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[1].text, "last");
  EXPECT_EQ(r->bad_rows(), cases.size());
}

TEST(JsonlReader, MaxTextBytes) {
  ReadOptions o;
  o.max_text_bytes = 4;
  const std::string msg =
      error_of([&] { drain(*read_jsonl_buffer("{\"text\":\"12345\"}\n", o, "m.jsonl")); });
  EXPECT_NE(msg.find("m.jsonl:1: text of 5 bytes exceeds the limit of 4 bytes"), std::string::npos)
      << msg;
}

TEST(JsonlReader, GzipFileAndSplitFolder) {
  bertq::testing::TempDir dir;
  const std::string train = "{\"text\":\"a\",\"label\":0}\n{\"text\":\"b\",\"label\":1}\n";
  gzFile gz = gzopen(dir.file("train.jsonl.gz").c_str(), "wb");
  gzwrite(gz, train.data(), static_cast<unsigned>(train.size()));
  gzclose(gz);
  write_file_atomic(dir.file("test.jsonl"), "{\"text\":\"c\",\"label\":1}\n");
  const auto all = drain(*open_dataset(dir.path()));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].split, "train");
  EXPECT_EQ(all[2].split, "test");
  EXPECT_EQ(all[2].id, dir.file("test.jsonl") + ":1");
  const auto test = drain(*open_dataset(dir.path() + ":test"));
  ASSERT_EQ(test.size(), 1u);
  EXPECT_EQ(test[0].text, "c");
  ErrorCode code{};
  const std::string msg = error_of([&] { open_dataset(dir.path() + ":unsup"); }, &code);
  EXPECT_EQ(code, ErrorCode::NOT_FOUND);
  EXPECT_NE(msg.find("no file for split \"unsup\""), std::string::npos) << msg;
}

}  // namespace
}  // namespace bertq::data
