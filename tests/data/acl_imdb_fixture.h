// A small aclImdb fixture: the review texts, written as a folder tree or as a .tar.gz
// (libarchive, gzip + pax), for the reader and download tests.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/file_util.h"

namespace bertq::data {

// rel path under aclImdb/ -> text. neg ids 0,2,10 (numeric sort puts 10 last).
inline const std::map<std::string, std::string>& fixture() {
  static const std::map<std::string, std::string> f = {
      {"train/neg/10_1.txt", "awful<br /><br />truly"},
      {"train/neg/2_3.txt", "bad"},
      {"train/neg/0_4.txt", "meh \xC2\x85 (NEL)"},
      {"train/pos/1_9.txt", "great"},
      {"train/pos/3_10.txt", "superb"},
      {"train/unsup/5_0.txt", "no rating"},
      {"test/neg/0_2.txt", "dull"},
      {"test/pos/4_8.txt", "fun"},
  };
  return f;
}

inline void write_tree(const std::string& root) {
  for (const auto& [rel, text] : fixture()) {
    make_dirs(join_path(root, rel.substr(0, rel.rfind('/'))));
    write_file_atomic(join_path(root, rel), text);
  }
  write_file_atomic(join_path(root, "README"), "not a review");
  write_file_atomic(join_path(root, "train/urls_pos.txt"), "http://...");
}

inline void write_tarball(const std::string& path) {
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  auto add = [&](const std::string& name, const std::string& text) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(text.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, text.data(), text.size());
    archive_entry_free(e);
  };
  add("aclImdb/README", "not a review");
  for (const auto& [rel, text] : fixture()) add("aclImdb/" + rel, text);
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace bertq::data
