// Spec resolution (see dataset.h), chaining of split readers, and whole-dataset loading.
#include "data/dataset.h"

#include <cstdlib>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "data/acl_imdb_reader.h"
#include "data/cache_dir.h"
#include "data/csv_reader.h"
#include "data/jsonl_reader.h"
#include "data/text_clean.h"

namespace bertq::data {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads several readers one after the other (the splits of a folder).
class ConcatReader : public DatasetReader {
 public:
  ConcatReader(std::vector<std::unique_ptr<DatasetReader>> parts, std::string what,
               const ReadOptions& o)
      : DatasetReader(o), parts_(std::move(parts)), what_(std::move(what)) {}
  bool next(Example& ex) override {
    while (cur_ < parts_.size()) {
      if (parts_[cur_]->next(ex)) return true;
      ++cur_;
    }
    return false;
  }
  size_t bad_rows() const override {
    size_t n = 0;
    for (const auto& p : parts_) n += p->bad_rows();
    return n;
  }
  std::string describe() const override { return what_; }
  double progress() const override {
    if (parts_.empty()) return 1.0;
    const double inner = cur_ < parts_.size() ? parts_[cur_]->progress() : 0.0;
    return (static_cast<double>(cur_) + (inner < 0 ? 0 : inner)) /
           static_cast<double>(parts_.size());
  }

 private:
  std::vector<std::unique_ptr<DatasetReader>> parts_;
  size_t cur_ = 0;
  std::string what_;
};

constexpr const char* kSplitExts[] = {".jsonl.gz", ".jsonl", ".csv", ".csv.gz", ".tsv", ".tsv.gz"};

std::unique_ptr<DatasetReader> open_file(const std::string& path, const std::string& split,
                                         const ReadOptions& o) {
  const std::string low = ascii_lower(path);
  if (ends_with(low, ".tar.gz") || ends_with(low, ".tgz") || ends_with(low, ".tar")) {
    return open_acl_imdb(
        path,
        split.empty() ? std::vector<std::string>{"train", "test"} : std::vector<std::string>{split},
        o);
  }
  check(split.empty(), ErrorCode::INVALID_ARGUMENT, path, ": a split (\":", split,
        "\") can only select from a folder or an aclImdb archive");
  if (ends_with(low, ".jsonl") || ends_with(low, ".jsonl.gz") || ends_with(low, ".ndjson") ||
      ends_with(low, ".json") || ends_with(low, ".json.gz"))
    return open_jsonl(path, o);
  if (ends_with(low, ".csv") || ends_with(low, ".csv.gz") || ends_with(low, ".tsv") ||
      ends_with(low, ".tsv.gz") || ends_with(low, ".txt"))
    return open_csv(path, o);
  throw Error(ErrorCode::UNSUPPORTED,
              cat(path,
                  ": unknown dataset format (expected .jsonl[.gz], .csv[.gz], .tsv[.gz], an "
                  "aclImdb folder or aclImdb_v1.tar.gz)"));
}

std::string split_file(const std::string& dir, const std::string& split) {
  for (const char* ext : kSplitExts) {
    const std::string p = join_path(dir, split + ext);
    if (file_exists(p)) return p;
  }
  return "";
}

std::unique_ptr<DatasetReader> open_folder(const std::string& dir, const std::string& split,
                                           const ReadOptions& o) {
  if (is_acl_imdb_dir(dir) || is_acl_imdb_dir(join_path(dir, "aclImdb"))) {
    return open_acl_imdb(
        dir,
        split.empty() ? std::vector<std::string>{"train", "test"} : std::vector<std::string>{split},
        o);
  }
  std::vector<std::string> splits =
      split.empty() ? std::vector<std::string>{"train", "test"} : std::vector<std::string>{split};
  std::vector<std::unique_ptr<DatasetReader>> parts;
  std::string files;
  for (const auto& s : splits) {
    const std::string f = split_file(dir, s);
    if (f.empty()) {
      check(split.empty(), ErrorCode::NOT_FOUND, dir, ": no file for split \"", s, "\" (expected ",
            s, ".jsonl.gz, ", s, ".jsonl, ", s, ".csv or ", s, ".tsv, or an aclImdb tree)");
      continue;
    }
    files += (files.empty() ? "" : ", ") + f;
    parts.push_back(open_file(f, "", o));
  }
  check(!parts.empty(), ErrorCode::NOT_FOUND, dir,
        ": no dataset found (expected train/test .jsonl[.gz]/.csv/.tsv files, an aclImdb "
        "tree, or aclImdb_v1.tar.gz)");
  if (parts.size() == 1) return std::move(parts[0]);
  return std::make_unique<ConcatReader>(std::move(parts), cat("folder ", dir, " (", files, ")"), o);
}

std::unique_ptr<DatasetReader> open_path(const std::string& path, const std::string& split,
                                         const ReadOptions& o) {
  if (dir_exists(path)) {
    const std::string tar = join_path(path, "aclImdb_v1.tar.gz");
    if (!is_acl_imdb_dir(path) && !is_acl_imdb_dir(join_path(path, "aclImdb")) &&
        file_exists(tar) && split_file(path, split.empty() ? "train" : split).empty())
      return open_file(tar, split, o);
    return open_folder(path, split, o);
  }
  return open_file(path, split, o);
}

}  // namespace

std::string find_imdb() {
  const char* env = std::getenv("BERTQ_IMDB_DIR");
  if (env != nullptr && *env != '\0') {
    check(dir_exists(env) || file_exists(env), ErrorCode::NOT_FOUND, "BERTQ_IMDB_DIR=", env,
          ": no such folder");
    return env;
  }
  const std::string dir = cache_dir("datasets");
  for (const char* cand : {"aclImdb", "aclImdb_v1.tar.gz"}) {
    const std::string p = join_path(dir, cand);
    if (dir_exists(p) || file_exists(p)) return p;
  }
  return "";
}

std::unique_ptr<DatasetReader> open_dataset(const std::string& spec, const ReadOptions& options) {
  check(!spec.empty(), ErrorCode::INVALID_ARGUMENT, "empty dataset spec");
  const bool local = dir_exists(spec) || file_exists(spec);
  if (!local && (spec == "imdb" || spec.compare(0, 5, "imdb:") == 0)) {
    const std::string split = spec.size() > 5 ? spec.substr(5) : "";
    check(split.empty() || split == "train" || split == "test" || split == "unsup",
          ErrorCode::INVALID_ARGUMENT, "dataset ", spec, ": unknown IMDB split \"", split,
          "\" (train, test or unsup)");
    const std::string where = find_imdb();
    check(!where.empty(), ErrorCode::NOT_FOUND, "IMDB not found in ", cache_dir("datasets"),
          "; run `bertq download imdb` or set BERTQ_IMDB_DIR=<folder with "
          "{train,test}.jsonl.gz> or pass a path");
    return open_path(where, split, options);
  }
  if (local) return open_path(spec, "", options);
  const size_t colon = spec.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    const std::string path = spec.substr(0, colon), split = spec.substr(colon + 1);
    if (split.find('/') == std::string::npos && (dir_exists(path) || file_exists(path)))
      return open_path(path, split, options);
  }
  throw Error(ErrorCode::NOT_FOUND, cat("dataset ", spec,
                                        ": no such file or folder (a spec is imdb, imdb:train, "
                                        "imdb:test, a path, or path:split)"));
}

Dataset read_all(DatasetReader& reader) {
  Dataset ds;
  ds.source = reader.describe();
  Example ex;
  while (reader.next(ex)) ds.examples.push_back(std::move(ex));
  ds.bad_rows = reader.bad_rows();
  std::vector<std::string> names;
  names.reserve(ds.examples.size());
  for (const auto& e : ds.examples) names.push_back(e.label_name);
  ds.labels = LabelMap::build(names);
  for (auto& e : ds.examples) e.label = e.label_name.empty() ? -1 : ds.labels.id(e.label_name);
  if (ds.bad_rows > 0) log_warn(cat(ds.source, ": skipped ", ds.bad_rows, " malformed rows"));
  return ds;
}

Dataset load_dataset(const std::string& spec, const ReadOptions& options, size_t limit,
                     uint64_t seed) {
  auto reader = open_dataset(spec, options);
  Dataset ds = read_all(*reader);
  if (limit > 0) ds = stratified_limit(ds, limit, seed);
  return ds;
}

}  // namespace bertq::data
