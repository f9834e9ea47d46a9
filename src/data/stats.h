// Dataset statistics for `bertq data stats`: counts per split and label, length summaries and
// histograms in characters (Unicode code points) and, when a token counter is given, in
// tokens, plus the share of examples longer than 128 / 256 / 512 tokens.
//
//   auto r = bertq::data::open_dataset("imdb:test");
//   DatasetStats s = bertq::data::compute_stats(*r, count_tokens_fn);
//   std::cout << bertq::data::stats_to_json(s).dump(2);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/example.h"

namespace bertq::data {

struct LengthSummary {
  size_t count = 0, min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean = 0;
  std::vector<size_t> edges;   // bucket i holds lengths in [edges[i], edges[i+1]); last is open
  std::vector<size_t> counts;  // one per edge
  // Share of lengths > each threshold (tokens: 128, 256, 512).
  std::vector<std::pair<size_t, double>> share_over;
};

// Lengths -> summary with nearest-rank percentiles; `edges` starts at 0.
LengthSummary summarize_lengths(std::vector<size_t> lengths, const std::vector<size_t>& edges,
                                const std::vector<size_t>& thresholds = {});

struct DatasetStats {
  std::string source;
  size_t examples = 0, bad_rows = 0, with_pair = 0;
  // split -> label name ("" = unlabelled) -> count
  std::map<std::string, std::map<std::string, size_t>> counts;
  LengthSummary chars;
  std::optional<LengthSummary> tokens;  // set when a token counter was given
};

// Token lengths of a batch of texts (e.g. the tokenizer's encode_batch(...)[i].ids.size()).
using TokenCounter = std::function<std::vector<size_t>(const std::vector<std::string>&)>;

// Streams the reader once; texts go to `count_tokens` in batches of `batch` when set.
DatasetStats compute_stats(DatasetReader& reader, const TokenCounter& count_tokens = {},
                           size_t batch = 2048);

nlohmann::json stats_to_json(const DatasetStats& s);
// A human-readable report (tables and bar histograms).
std::string format_stats(const DatasetStats& s);

}  // namespace bertq::data
