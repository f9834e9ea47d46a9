// Dataset specs and in-memory datasets.
//
// A spec names where examples come from:
//   imdb, imdb:train, imdb:test, imdb:unsup   the IMDB reviews: $BERTQ_IMDB_DIR (a folder of
//                                              {train,test,unsup}.jsonl.gz such as
//                                              ../shared/data/imdb), else $BERTQ_HOME/datasets
//                                              (aclImdb/ or aclImdb_v1.tar.gz, as
//                                              `bertq download imdb` leaves it)
//   PATH                                       a .jsonl[.gz], .csv[.gz], .tsv[.gz] file, an
//                                              aclImdb folder or .tar.gz, or a folder holding
//                                              SPLIT.{jsonl,jsonl.gz,csv,csv.gz,tsv,tsv.gz}
//   PATH:SPLIT                                 one split of a folder or aclImdb archive
// Without a split, folders and aclImdb give train followed by test (the labelled splits).
//
//   auto ds = bertq::data::load_dataset("imdb:train", {}, /*limit=*/2000, /*seed=*/1);
//   auto [train, val] = bertq::data::stratified_split(ds, 0.1, 42);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/example.h"
#include "data/label_map.h"

namespace bertq::data {

struct Dataset {
  std::vector<Example> examples;
  LabelMap labels;
  size_t bad_rows = 0;
  std::string source;  // the reader's describe()
};

// A streaming reader for `spec` (see above). Throws Error(NOT_FOUND) with what to download
// or where to put the files when the data is missing.
std::unique_ptr<DatasetReader> open_dataset(const std::string& spec,
                                            const ReadOptions& options = {});

// Reads all of `spec`, builds a LabelMap from the label names (LabelMap::build) and sets
// every example's label; with limit > 0 keeps a stratified subsample of `limit` examples.
Dataset load_dataset(const std::string& spec, const ReadOptions& options = {}, size_t limit = 0,
                     uint64_t seed = 0);

// Reads every example of an open reader into a Dataset (labels mapped as in load_dataset).
Dataset read_all(DatasetReader& reader);

// (train, validation): per label (unlabelled examples form their own group), round(fraction *
// group size) examples go to validation. Deterministic for a seed on every platform; both
// parts keep the original order.
std::pair<Dataset, Dataset> stratified_split(const Dataset& ds, double validation_fraction,
                                             uint64_t seed);

// n examples (all if n >= size) with each label's share kept (largest remainder rounding),
// chosen by `seed`, in the original order.
Dataset stratified_limit(const Dataset& ds, size_t n, uint64_t seed);

// Where `imdb` resolves to, or "" when nothing is found.
std::string find_imdb();

}  // namespace bertq::data
