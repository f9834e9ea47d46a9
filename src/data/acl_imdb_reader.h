// The Stanford Large Movie Review Dataset as it ships: an `aclImdb/` folder
// (train|test / pos|neg|unsup / <id>_<rating>.txt) or the original aclImdb_v1.tar.gz read in
// place with libarchive (streamed, never extracted). Example.id is the path under aclImdb/
// ("train/neg/0_3.txt", the same ids as ../shared/data/imdb), label_name "neg" / "pos"
// (unsup reviews are unlabelled), split "train" / "test" / "unsup".
//
//   auto r = bertq::data::open_acl_imdb("aclImdb_v1.tar.gz", {"test"});
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/example.h"

namespace bertq::data {

// `splits`: any of "train", "test", "unsup" (unsup = the unlabelled train/unsup reviews).
// A folder is read split by split, neg then pos, in ascending numeric id; a tarball in its
// stored order.
std::unique_ptr<DatasetReader> open_acl_imdb(const std::string& path,
                                             const std::vector<std::string>& splits,
                                             const ReadOptions& options = {});

// True when `dir` looks like an aclImdb root (has train/pos or test/pos).
bool is_acl_imdb_dir(const std::string& dir);

// Parses "train/neg/0_3.txt" (relative to the aclImdb root) into split, label folder and
// numeric id; false for anything else (README, imdb.vocab, *.feat, urls_*.txt).
bool parse_acl_imdb_path(const std::string& rel, std::string& split, std::string& label, long& id);

}  // namespace bertq::data
