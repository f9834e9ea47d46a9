// aclImdb readers. The folder reader lists each split/label folder once, sorts by numeric id
// and reads one file per example. The tarball reader walks the archive's entries in order
// (libarchive autodetects gzip + tar), strips the first path component ("aclImdb/") and keeps
// the review entries of the requested splits.
#include "data/acl_imdb_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::data {

bool parse_acl_imdb_path(const std::string& rel, std::string& split, std::string& label, long& id) {
  const size_t a = rel.find('/');
  if (a == std::string::npos) return false;
  const size_t b = rel.find('/', a + 1);
  if (b == std::string::npos || rel.find('/', b + 1) != std::string::npos) return false;
  const std::string top = rel.substr(0, a), sub = rel.substr(a + 1, b - a - 1);
  const std::string file = rel.substr(b + 1);
  if (top != "train" && top != "test") return false;
  if (sub != "pos" && sub != "neg" && sub != "unsup") return false;
  if (file.size() < 4 || file.compare(file.size() - 4, 4, ".txt") != 0) return false;
  const std::string stem = file.substr(0, file.size() - 4);  // <id>_<rating>
  const size_t us = stem.find('_');
  if (us == std::string::npos || us == 0 || us > 9 || stem.size() - us - 1 < 1 ||
      stem.size() - us - 1 > 2)
    return false;
  for (size_t i = 0; i < stem.size(); ++i)
    if (i != us && (stem[i] < '0' || stem[i] > '9')) return false;
  id = std::stol(stem.substr(0, us));
  split = sub == "unsup" ? "unsup" : top;
  label = sub == "unsup" ? "" : sub;
  return true;
}

bool is_acl_imdb_dir(const std::string& dir) {
  return dir_exists(join_path(dir, "train/pos")) || dir_exists(join_path(dir, "test/pos"));
}

namespace {

void check_splits(const std::string& path, const std::vector<std::string>& splits) {
  check(!splits.empty(), ErrorCode::INVALID_ARGUMENT, path, ": no split selected");
  for (const auto& s : splits)
    check(s == "train" || s == "test" || s == "unsup", ErrorCode::INVALID_ARGUMENT, path,
          ": unknown aclImdb split \"", s, "\" (expected train, test or unsup)");
}

class AclImdbDirReader : public DatasetReader {
 public:
  AclImdbDirReader(const std::string& root, const std::vector<std::string>& splits,
                   const ReadOptions& o)
      : DatasetReader(o), root_(root) {
    for (const auto& split : splits) {
      const std::vector<std::pair<std::string, std::string>> folders =
          split == "unsup"
              ? std::vector<std::pair<std::string, std::string>>{{"train", "unsup"}}
              : std::vector<std::pair<std::string, std::string>>{{split, "neg"}, {split, "pos"}};
      for (const auto& [top, sub] : folders) {
        const std::string dir = join_path(root_, top + "/" + sub);
        check(dir_exists(dir), ErrorCode::NOT_FOUND, root_, ": missing folder ", top, "/", sub,
              " (not a complete aclImdb tree)");
        std::vector<std::pair<long, std::string>> files;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
          const std::string rel = top + "/" + sub + "/" + e.path().filename().string();
          std::string s, l;
          long id = 0;
          if (!e.is_regular_file() || !parse_acl_imdb_path(rel, s, l, id)) {
            bad_names_.push_back(rel);
            continue;
          }
          files.emplace_back(id, rel);
        }
        std::sort(files.begin(), files.end());
        for (auto& f : files) files_.push_back(std::move(f.second));
      }
    }
  }

  bool next(Example& ex) override {
    while (!bad_names_.empty()) {
      const std::string rel = bad_names_.back();
      bad_names_.pop_back();
      reject_row(join_path(root_, rel), "not a review file (<id>_<rating>.txt)");
    }
    while (pos_ < files_.size()) {
      const std::string& rel = files_[pos_++];
      ex = Example{};
      long id = 0;
      parse_acl_imdb_path(rel, ex.split, ex.label_name, id);
      ex.id = rel;
      ex.text = read_file(join_path(root_, rel));
      if (!finish_example(ex)) continue;
      return true;
    }
    return false;
  }

  std::string describe() const override { return cat("aclImdb folder ", root_); }
  double progress() const override {
    return files_.empty() ? 1.0 : static_cast<double>(pos_) / static_cast<double>(files_.size());
  }

 private:
  std::string root_;
  std::vector<std::string> files_, bad_names_;
  size_t pos_ = 0;
};

class AclImdbTarReader : public DatasetReader {
 public:
  AclImdbTarReader(const std::string& path, const std::vector<std::string>& splits,
                   const ReadOptions& o)
      : DatasetReader(o), path_(path), splits_(splits) {
    struct stat st;
    check(::stat(path.c_str(), &st) == 0, ErrorCode::NOT_FOUND, path, ": no such file");
    size_ = static_cast<uint64_t>(st.st_size);
    a_ = archive_read_new();
    archive_read_support_filter_all(a_);
    archive_read_support_format_tar(a_);
    if (archive_read_open_filename(a_, path.c_str(), 1 << 16) != ARCHIVE_OK) {
      const std::string msg = archive_error_string(a_) ? archive_error_string(a_) : "unknown";
      archive_read_free(a_);
      a_ = nullptr;
      throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": cannot open as a tar archive: ", msg));
    }
  }
  ~AclImdbTarReader() override {
    if (a_ != nullptr) archive_read_free(a_);
  }

  bool next(Example& ex) override {
    if (done_) return false;
    archive_entry* entry = nullptr;
    while (true) {
      const int r = archive_read_next_header(a_, &entry);
      if (r == ARCHIVE_EOF) {
        done_ = true;
        check(entries_ > 0, ErrorCode::CORRUPT_FILE, path_, ": no aclImdb reviews found");
        return false;
      }
      if (r < ARCHIVE_WARN) fail("reading the archive");
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      if (name.compare(0, 2, "./") == 0) name.erase(0, 2);
      const size_t slash = name.find('/');
      if (slash == std::string::npos) continue;
      const std::string rel = name.substr(slash + 1);
      std::string split, label;
      long id = 0;
      if (!parse_acl_imdb_path(rel, split, label, id)) continue;
      ++entries_;
      if (std::find(splits_.begin(), splits_.end(), split) == splits_.end()) continue;
      const int64_t size = archive_entry_size(entry);
      ex = Example{};
      ex.id = rel;
      ex.split = split;
      ex.label_name = label;
      const std::string where = cat(path_, ":", rel);
      if (size < 0 || static_cast<uint64_t>(size) > options_.max_text_bytes) {
        reject_row(where, cat("entry of ", size, " bytes exceeds the text limit"));
        continue;
      }
      ex.text.resize(static_cast<size_t>(size));
      size_t got = 0;
      while (got < ex.text.size()) {
        const la_ssize_t n = archive_read_data(a_, ex.text.data() + got, ex.text.size() - got);
        if (n < 0) fail(cat("reading ", rel));
        if (n == 0) break;
        got += static_cast<size_t>(n);
      }
      check(got == ex.text.size(), ErrorCode::CORRUPT_FILE, where, ": truncated entry (", got,
            " of ", size, " bytes)");
      if (!finish_example(ex)) continue;
      return true;
    }
  }

  std::string describe() const override { return cat("aclImdb archive ", path_); }
  double progress() const override {
    if (size_ == 0 || a_ == nullptr) return -1;
    const double p = static_cast<double>(archive_filter_bytes(a_, -1)) / static_cast<double>(size_);
    return p > 1 ? 1 : p;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    const char* msg = archive_error_string(a_);
    throw Error(ErrorCode::CORRUPT_FILE,
                cat(path_, ": ", what, " failed: ", msg ? msg : "corrupt archive"));
  }

  std::string path_;
  std::vector<std::string> splits_;
  archive* a_ = nullptr;
  uint64_t size_ = 0;
  size_t entries_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<DatasetReader> open_acl_imdb(const std::string& path,
                                             const std::vector<std::string>& splits,
                                             const ReadOptions& options) {
  check_splits(path, splits);
  if (dir_exists(path)) {
    const std::string root = is_acl_imdb_dir(path) ? path : join_path(path, "aclImdb");
    check(is_acl_imdb_dir(root), ErrorCode::NOT_FOUND, path,
          ": not an aclImdb folder (expected train/pos, train/neg, test/...)");
    return std::make_unique<AclImdbDirReader>(root, splits, options);
  }
  return std::make_unique<AclImdbTarReader>(path, splits, options);
}

}  // namespace bertq::data
