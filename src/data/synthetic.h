// The built-in sentiment corpus: movie reviews generated from our own templates, so the demo
// (`bertq demo`) needs nothing from outside the repository. Deterministic from a seed on every
// platform (splitmix64, no <random> distributions).
//
// A review has a polarity p (POSITIVE / NEGATIVE) and is built from clause frames that express
// a polarity:
//   - plain:       "the acting was superb"                       (adjective of polarity p)
//   - intensified: "the plot was incredibly dull"                 (intensifier + adjective)
//   - negated:     "the ending was not bad", "i wasn't impressed"  (negation + opposite word)
//   - contrast:    "the plot was dull but the acting was superb"  (label = the final clause)
//   - mixed:       a neutral sentence, a clause of polarity -p, then a closing verdict of p
// Frames are split into two disjoint sets: train reviews use only train frames, test reviews
// only held-out frames, so the test set measures generalisation to unseen sentence shapes (the
// words are shared: a model cannot know a word it never saw).
//
//   bertq::data::SyntheticOptions o;  o.train_size = 4000;  o.test_size = 1000;  o.seed = 1;
//   auto split = bertq::data::generate_synthetic("test", o.test_size, o.seed);  // vector<Example>
//   bertq::data::write_synthetic_corpus("runs/demo/data", o);  // train.jsonl, test.jsonl
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/example.h"

namespace bertq::data {

struct SyntheticOptions {
  size_t train_size = 4000, test_size = 1000;
  uint64_t seed = 1;
};

// Label names of the corpus, in id order (what the demo's model uses as id2label).
const std::vector<std::string>& synthetic_labels();

// `n` reviews of `split` ("train" or "test"; anything else is INVALID_ARGUMENT), half of each
// label (the extra one positive when n is odd), shuffled. Each Example has text, label (0/1),
// label_name, id "synthetic/SPLIT/INDEX:f3,f12" (the frames used) and split. The same (split, n,
// seed) always gives the same reviews.
std::vector<Example> generate_synthetic(const std::string& split, size_t n, uint64_t seed);

// Ids of the frames a split's reviews are built from (clause frames, contrast connectors and
// mixed-review verdicts). Every Example's id ends in ":f<id>,f<id>,..." naming the frames used,
// so the hold-out can be checked.
std::vector<int> synthetic_frame_ids(const std::string& split);

// Writes DIR/train.jsonl and DIR/test.jsonl ({"text", "label", "id"} per line, labels as
// names), each atomically; creates DIR. Returns the two paths.
std::vector<std::string> write_synthetic_corpus(const std::string& dir,
                                                const SyntheticOptions& options);

}  // namespace bertq::data
