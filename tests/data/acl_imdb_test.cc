// aclImdb readers on fixtures built here: a small aclImdb/ tree and the same tree as a
// .tar.gz written with libarchive, read in place. Counts, ids, labels and texts are checked.
#include "data/acl_imdb_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "acl_imdb_fixture.h"
#include "common/test_util.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

using testing::drain;
using testing::error_of;

TEST(AclImdb, PathParsing) {
  std::string split, label;
  long id = -1;
  EXPECT_TRUE(parse_acl_imdb_path("train/neg/123_4.txt", split, label, id));
  EXPECT_EQ(split, "train");
  EXPECT_EQ(label, "neg");
  EXPECT_EQ(id, 123);
  EXPECT_TRUE(parse_acl_imdb_path("train/unsup/7_0.txt", split, label, id));
  EXPECT_EQ(split, "unsup");
  EXPECT_EQ(label, "");
  for (const char* bad : {"train/urls_pos.txt", "train/neg/x_1.txt", "train/neg/1_.txt",
                          "dev/neg/1_2.txt", "train/neg/1_2.txt.bak", "train/neg/_2.txt"})
    EXPECT_FALSE(parse_acl_imdb_path(bad, split, label, id)) << bad;
}

TEST(AclImdb, FolderReadsSplitsInNumericOrder) {
  bertq::testing::TempDir dir;
  const std::string root = dir.file("aclImdb");
  write_tree(root);
  const auto ex = drain(*open_acl_imdb(root, {"train", "test"}));
  std::vector<std::string> ids;
  for (const auto& e : ex) ids.push_back(e.id);
  EXPECT_EQ(
      ids, (std::vector<std::string>{"train/neg/0_4.txt", "train/neg/2_3.txt", "train/neg/10_1.txt",
                                     "train/pos/1_9.txt", "train/pos/3_10.txt", "test/neg/0_2.txt",
                                     "test/pos/4_8.txt"}));
  for (const auto& e : ex) {
    EXPECT_EQ(e.text, fixture().at(e.id)) << e.id;
    EXPECT_EQ(e.label_name, e.id.find("/neg/") != std::string::npos ? "neg" : "pos") << e.id;
    EXPECT_EQ(e.split, e.id.substr(0, e.id.find('/')));
  }
  // The parent folder works too, and unsup is unlabelled.
  const auto unsup = drain(*open_dataset(dir.path() + ":unsup"));
  ASSERT_EQ(unsup.size(), 1u);
  EXPECT_EQ(unsup[0].id, "train/unsup/5_0.txt");
  EXPECT_EQ(unsup[0].label_name, "");
  EXPECT_EQ(unsup[0].split, "unsup");
}

TEST(AclImdb, TarballReadInPlaceMatchesFolder) {
  bertq::testing::TempDir dir;
  const std::string tgz = dir.file("aclImdb_v1.tar.gz");
  write_tarball(tgz);
  const auto train = drain(*open_dataset(tgz + ":train"));
  ASSERT_EQ(train.size(), 5u);
  size_t neg = 0;
  for (const auto& e : train) {
    EXPECT_EQ(e.text, fixture().at(e.id)) << e.id;
    neg += e.label_name == "neg";
  }
  EXPECT_EQ(neg, 3u);
  const Dataset both = load_dataset(tgz);
  EXPECT_EQ(both.examples.size(), 7u);
  EXPECT_EQ(both.labels.names, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  size_t pos = 0;
  for (const auto& e : both.examples) pos += e.label == 1;
  EXPECT_EQ(pos, 3u);
  // Only the tarball (no extraction happened).
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);
}

TEST(AclImdb, CorruptTarballAndBadSplit) {
  bertq::testing::TempDir dir;
  const std::string tgz = dir.file("aclImdb_v1.tar.gz");
  write_tarball(tgz);
  std::string bytes = read_file(tgz);
  write_file_atomic(tgz, bytes.substr(0, bytes.size() / 2));
  ErrorCode code{};
  const std::string msg = error_of([&] { drain(*open_dataset(tgz)); }, &code);
  EXPECT_EQ(code, ErrorCode::CORRUPT_FILE) << msg;
  EXPECT_NE(msg.find(tgz), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { open_dataset(tgz + ":dev"); }).find("unknown aclImdb split \"dev\""),
            std::string::npos);
}

TEST(AclImdb, ImdbSpecUsesCacheFolder) {
  bertq::testing::TempDir dir;
  make_dirs(dir.file("datasets"));
  write_tarball(dir.file("datasets/aclImdb_v1.tar.gz"));
  const char* old_home = std::getenv("BERTQ_HOME");
  const char* old_imdb = std::getenv("BERTQ_IMDB_DIR");
  const std::string saved_home = old_home ? old_home : "", saved_imdb = old_imdb ? old_imdb : "";
  setenv("BERTQ_HOME", dir.path().c_str(), 1);
  unsetenv("BERTQ_IMDB_DIR");
  EXPECT_EQ(drain(*open_dataset("imdb:test")).size(), 2u);
  setenv("BERTQ_HOME", dir.file("empty").c_str(), 1);
  const std::string msg = error_of([] { open_dataset("imdb"); });
  EXPECT_NE(msg.find("IMDB not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bertq download imdb"), std::string::npos) << msg;
  if (old_home)
    setenv("BERTQ_HOME", saved_home.c_str(), 1);
  else
    unsetenv("BERTQ_HOME");
  if (old_imdb) setenv("BERTQ_IMDB_DIR", saved_imdb.c_str(), 1);
}

}  // namespace
}  // namespace bertq::data
