// fuzz-libs: data text core
// Fuzz target for dataset specs and the aclImdb tarball reader. The first byte picks:
//   0: the rest is an aclImdb_v1.tar.gz (any bytes: gzip, tar, garbage) read in full;
//   1: the rest is a list of entries (name length, name, text length, text), written as a valid
//      gzip + pax tarball with libarchive, so mutations reach the reader's paths and texts;
//   2: the rest is a dataset spec (`imdb:test`, `d:train`, `rows.csv`, ...) loaded with
//      load_dataset inside a sandbox folder of small datasets (relative paths only).
// Only bertq::Error may escape; every example read obeys the reader's contract (valid UTF-8
// text, an aclImdb id that parses, its split among those asked for).
//   scripts/fuzz.sh dataset_fuzz 600
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "data/acl_imdb_reader.h"
#include "data/dataset.h"
#include "fuzz_util.h"

namespace {

using namespace bertq;
using fuzz::bug;

bool valid_utf8(const std::string& s) {
  try {
    validate_utf8(s);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// The scratch folder holding the sandbox datasets and the current input file.
const std::string& scratch() {
  return fuzz::scratch_dir("dataset-fuzz", [](const std::string& d) {
    make_dirs(join_path(d, "d"));
    make_dirs(join_path(d, "aclImdb/train/pos"));
    make_dirs(join_path(d, "aclImdb/test/neg"));
    make_dirs(join_path(d, "home"));
    write_file_atomic(join_path(d, "rows.jsonl"),
                      "{\"text\":\"good\",\"label\":\"1\"}\n"
                      "{\"text\":\"bad\",\"label\":\"0\"}\n");
    write_file_atomic(join_path(d, "rows.csv"), "text,label\n\"fine, really\",pos\nmeh,neg\n");
    write_file_atomic(join_path(d, "d/train.tsv"), "text\tlabel\nyes\t1\nno\t0\n");
    write_file_atomic(join_path(d, "d/test.jsonl"), "{\"text\":\"ok\",\"label\":1}\n");
    write_file_atomic(join_path(d, "aclImdb/train/pos/0_9.txt"), "superb<br />film");
    write_file_atomic(join_path(d, "aclImdb/test/neg/1_2.txt"), "dull");
    write_file_atomic(join_path(d, "aclImdb/README"), "not a review");
    // `imdb` resolves inside the sandbox only (and finds nothing there).
    ::setenv("BERTQ_IMDB_DIR", join_path(d, "imdb").c_str(), 1);
    ::setenv("BERTQ_HOME", join_path(d, "home").c_str(), 1);
    if (::chdir(d.c_str()) != 0) bug();
  });
}

void check_examples(data::DatasetReader& reader, const std::vector<std::string>* splits) {
  data::Example ex;
  while (reader.next(ex)) {
    if (!valid_utf8(ex.text)) bug();
    if (splits == nullptr) continue;
    std::string split, label;
    long id = 0;
    if (!data::parse_acl_imdb_path(ex.id, split, label, id) || split != ex.split) bug();
    bool asked = false;
    for (const auto& s : *splits) asked = asked || s == split || (s == "unsup" && label == "unsup");
    if (!asked) bug();
  }
}

void read_tarball(const std::string& bytes, uint8_t mode) {
  const std::string path = join_path(scratch(), "input.tar.gz");
  write_file_atomic(path, bytes);
  static const std::vector<std::vector<std::string>> choices = {
      {"train", "test", "unsup"}, {"test"}, {"unsup"}, {"train"}};
  const auto& splits = choices[(mode >> 4) % choices.size()];
  data::ReadOptions o;
  o.on_bad_row =
      (mode & 8) ? data::ReadOptions::OnBadRow::SKIP : data::ReadOptions::OnBadRow::ERROR;
  o.clean_html_breaks = mode & 4;
  o.max_text_bytes = (mode & 64) ? 16 : 10 << 20;
  const auto reader = data::open_acl_imdb(path, splits, o);
  check_examples(*reader, &splits);
}

// (u8 name length, name, u16 text length little-endian, text)* -> a gzip + pax tarball.
std::string entries_to_tarball(const uint8_t* p, size_t n) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  auto write_cb = [](archive*, void* user, const void* buf, size_t len) -> la_ssize_t {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), len);
    return static_cast<la_ssize_t>(len);
  };
  archive_write_open(a, &out, nullptr, write_cb, nullptr);
  size_t i = 0;
  while (i < n) {
    const size_t name_len = std::min<size_t>(p[i], n - i - 1);
    ++i;
    const std::string name =
        "aclImdb/" + std::string(reinterpret_cast<const char*>(p + i), name_len);
    i += name_len;
    size_t text_len = 0;
    if (i + 2 <= n) {
      text_len = p[i] | (size_t(p[i + 1]) << 8);
      i += 2;
    }
    text_len = std::min(text_len, n - i);
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(text_len));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, p + i, text_len);
    archive_entry_free(e);
    i += text_len;
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

void load_spec(const std::string& spec, uint8_t mode) {
  // Relative names inside the sandbox only: no absolute paths, no way out, no home folder.
  if (spec.empty() || spec[0] == '/' || spec[0] == '~' || spec.find("..") != std::string::npos)
    return;
  data::ReadOptions o;
  o.on_bad_row =
      (mode & 8) ? data::ReadOptions::OnBadRow::SKIP : data::ReadOptions::OnBadRow::ERROR;
  const data::Dataset ds = data::load_dataset(spec, o, (mode >> 4) & 3, mode >> 6);
  for (const auto& ex : ds.examples)
    if (!valid_utf8(ex.text)) bug();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The sandbox comes first: load_spec resolves relative paths inside it.
  static const bool ready = !scratch().empty();
  (void)ready;
  return fuzz::run_input(data, size, [&](uint8_t mode, const std::string& rest) {
    switch (mode % 3) {
      case 0:
        read_tarball(rest, mode);
        break;
      case 1:
        read_tarball(entries_to_tarball(data + 1, size - 1), mode);
        break;
      default:
        load_spec(rest, mode);
        break;
    }
  });
}
