// Label names <-> class ids. Matching is case-insensitive and knows the common sentiment
// synonyms, so a dataset's "pos" / "positive" / "1" finds a model's "POSITIVE" or "LABEL_1"
// (in a two-class map), and "neg" / "negative" / "0" finds "NEGATIVE" / "LABEL_0".
//
//   LabelMap m;  m.names = {"NEGATIVE", "POSITIVE"};
//   m.id("pos") == 1;  m.id("negative") == 0;  m.id("2") == -1
//   map_labels(dataset, model_id2label);  // throws naming an unknown label and its example
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bertq::data {

struct Dataset;

struct LabelMap {
  std::vector<std::string> names;  // id -> name

  // The id for `name`, or -1: an exact (case-insensitive) name, then a sentiment synonym,
  // then an integer "k" < names.size() (or any integer >= 0 when there are no names).
  int id(std::string_view name) const;
  // id(name), or appends `name` and returns its new id.
  int get_or_add(std::string_view name);

  // A map for the label names seen in a dataset: integers 0..max -> names "0".."max";
  // sentiment words (neg/negative, pos/positive) -> {"NEGATIVE", "POSITIVE"}; otherwise the
  // distinct names in sorted order.
  static LabelMap build(const std::vector<std::string>& seen);
};

// Maps every labelled example's label_name through the model's id2label and stores the map
// in ds.labels. Throws Error(INVALID_ARGUMENT) naming the label and the example id when a
// label has no match.
void map_labels(Dataset& ds, const std::vector<std::string>& id2label);

}  // namespace bertq::data
