// A private JSON Lines reader for labelled texts ({"text": ..., "label": 0 | "pos", "id"?}, plain
// or gzip), the data positions the trainer works with, and a stratified split.
// TODO(train): switch to data::load_dataset once src/data lands on main.
//
//   auto ds = train::load_jsonl("imdb/train.jsonl.gz", {"NEGATIVE", "POSITIVE"}, 0, 42);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::train {

struct Example {
  std::string text;
  int32_t label = 0;
  std::string id;
};

// labels: the model's id2label; a string label must be one of them (or an integer string), an
// integer label must be in [0, labels.size()). limit > 0 keeps a random `limit` examples
// (chosen with `seed`, then in file order). Errors name the file and line.
std::vector<Example> load_jsonl(const std::string& path, const std::vector<std::string>& labels,
                                size_t limit = 0, uint64_t seed = 0);

// Splits off `fraction` of each label's examples (chosen with `seed`) as the second result.
std::pair<std::vector<Example>, std::vector<Example>> stratified_split(
    const std::vector<Example>& all, double fraction, uint64_t seed);

}  // namespace bertq::train
