#include "core/file_util.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>

#include "common/test_util.h"
#include "core/error.h"
#include "core/line_reader.h"

namespace bertq {
namespace {

TEST(FileUtil, AtomicWriteReplacesAndLeavesNoTemp) {
  testing::TempDir dir;
  const std::string p = dir.file("a.txt");
  write_file_atomic(p, "first");
  write_file_atomic(p, "second");
  EXPECT_EQ(read_file(p), "second");
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);
}

TEST(FileUtil, AbandonedWriterLeavesOldFile) {
  testing::TempDir dir;
  const std::string p = dir.file("a.txt");
  write_file_atomic(p, "old");
  {
    AtomicFileWriter w(p);
    w.write("partial");
  }  // no commit: simulates an error mid-write
  EXPECT_EQ(read_file(p), "old");
}

TEST(FileUtil, DirWriteSurvivesAnInterruptedSwap) {
  testing::TempDir tmp;
  const std::string dir = tmp.file("ck");
  write_dir_atomic(dir, [](const std::string& d) { write_file_atomic(d + "/a", "1"); });
  // A crash after the first rename of a second write leaves only dir.old.
  std::filesystem::rename(dir, dir + ".old");
  EXPECT_EQ(find_complete_dir(dir), dir + ".old");
  write_dir_atomic(dir, [](const std::string& d) { write_file_atomic(d + "/a", "2"); });
  EXPECT_EQ(find_complete_dir(dir), dir);
  EXPECT_EQ(read_file(dir + "/a"), "2");
  EXPECT_FALSE(std::filesystem::exists(dir + ".old"));
  EXPECT_FALSE(std::filesystem::exists(dir + ".tmp"));
}

TEST(FileUtil, FailedDirWriteKeepsTheOldCopy) {
  testing::TempDir tmp;
  const std::string dir = tmp.file("out");
  write_dir_atomic(dir, [](const std::string& d) { write_file_atomic(d + "/a", "1"); });
  std::filesystem::rename(dir, dir + ".old");  // interrupted swap
  make_dirs(dir + ".tmp");                     // and a killed writer's leftovers
  auto fail = [](const std::string& d) {
    write_file_atomic(d + "/a", "half");
    throw Error(ErrorCode::IO, "disk full");
  };
  EXPECT_THROW(write_dir_atomic(dir, fail), Error);
  // The old copy is back in place, whole, and no temporary folder is left.
  EXPECT_EQ(read_file(dir + "/a"), "1");
  EXPECT_FALSE(std::filesystem::exists(dir + ".old"));
  EXPECT_FALSE(std::filesystem::exists(dir + ".tmp"));
}

TEST(FileUtil, MissingFileIsNotFound) {
  try {
    read_file("/nonexistent/bertq/file");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/bertq/file"), std::string::npos);
  }
}

TEST(FileUtil, MappedFileSeesContents) {
  testing::TempDir dir;
  write_file_atomic(dir.file("m"), "hello");
  MappedFile m(dir.file("m"));
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.data()), m.size()), "hello");
}

TEST(LineReader, SplitsOnNewlineOnlyPlainAndGzip) {
  testing::TempDir dir;
  // U+0085 (C2 85) and a lone CR are text, not line breaks; last line has no newline.
  const std::string text =
      "a\xc2\x85"
      "b\nc\rd\n\nlast";
  write_file_atomic(dir.file("p.txt"), text);
  gzFile gz = gzopen(dir.file("g.gz").c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  for (const char* name : {"p.txt", "g.gz"}) {
    LineReader r(dir.file(name));
    std::vector<std::string> lines;
    std::string l;
    while (r.next(l)) lines.push_back(l);
    ASSERT_EQ(lines.size(), 4u) << name;
    EXPECT_EQ(lines[0],
              "a\xc2\x85"
              "b");
    EXPECT_EQ(lines[1], "c\rd");
    EXPECT_EQ(lines[2], "");
    EXPECT_EQ(lines[3], "last");
    EXPECT_EQ(r.line_number(), 4u);
  }
}

TEST(LineReader, TruncatedGzipIsAnError) {
  testing::TempDir dir;
  std::string big(200000, 'x');
  for (size_t i = 0; i < big.size(); i += 100) big[i] = '\n';
  gzFile gz = gzopen(dir.file("g.gz").c_str(), "wb");
  gzwrite(gz, big.data(), static_cast<unsigned>(big.size()));
  gzclose(gz);
  std::string bytes = read_file(dir.file("g.gz"));
  write_file_atomic(dir.file("t.gz"), bytes.substr(0, bytes.size() / 2));
  LineReader r(dir.file("t.gz"));
  std::string l;
  EXPECT_THROW(
      {
        while (r.next(l)) {
        }
      },
      Error);
}

TEST(LineReader, LineLimitNamesFileAndLine) {
  testing::TempDir dir;
  write_file_atomic(dir.file("p.txt"), "short\n" + std::string(1000, 'y') + "\n");
  LineReader r(dir.file("p.txt"), 100);
  std::string l;
  ASSERT_TRUE(r.next(l));
  try {
    r.next(l);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p.txt:2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bertq
