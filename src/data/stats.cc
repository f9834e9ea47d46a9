// Statistics over one pass of a reader. Percentiles use the nearest-rank definition on the
// sorted lengths: p_q = sorted[ceil(q/100 * n) - 1].
#include "data/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/utf8.h"
#include "data/text_clean.h"

namespace bertq::data {
namespace {

const std::vector<size_t> kCharEdges = {0, 250, 500, 1000, 2000, 4000, 8000};
const std::vector<size_t> kTokenEdges = {0, 64, 128, 256, 384, 512, 1024};
const std::vector<size_t> kTokenThresholds = {128, 256, 512};

size_t nearest_rank(const std::vector<size_t>& sorted, double q) {
  const size_t n = sorted.size();
  size_t k = static_cast<size_t>(std::ceil(q / 100.0 * static_cast<double>(n)));
  k = std::clamp<size_t>(k, 1, n);
  return sorted[k - 1];
}

nlohmann::json summary_json(const LengthSummary& s) {
  nlohmann::json hist = nlohmann::json::array();
  for (size_t i = 0; i < s.edges.size(); ++i) {
    nlohmann::json b = {{"from", s.edges[i]}, {"count", s.counts[i]}};
    if (i + 1 < s.edges.size()) b["to"] = s.edges[i + 1];
    hist.push_back(b);
  }
  nlohmann::json j = {{"count", s.count}, {"min", s.min}, {"mean", s.mean}, {"p50", s.p50},
                      {"p90", s.p90},     {"p99", s.p99}, {"max", s.max},   {"histogram", hist}};
  if (!s.share_over.empty()) {
    nlohmann::json over = nlohmann::json::object();
    for (const auto& [t, share] : s.share_over) over[std::to_string(t)] = share;
    j["share_longer_than"] = over;
  }
  return j;
}

void append_summary(std::string& out, const char* what, const LengthSummary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "\n%s: min %zu, mean %.1f, p50 %zu, p90 %zu, p99 %zu, max %zu\n",
                what, s.min, s.mean, s.p50, s.p90, s.p99, s.max);
  out += buf;
  size_t top = 1;
  for (size_t c : s.counts) top = std::max(top, c);
  for (size_t i = 0; i < s.edges.size(); ++i) {
    const std::string range =
        i + 1 < s.edges.size() ? cat(s.edges[i], "-", s.edges[i + 1] - 1) : cat(s.edges[i], "+");
    const double share =
        s.count ? 100.0 * static_cast<double>(s.counts[i]) / static_cast<double>(s.count) : 0;
    std::snprintf(buf, sizeof buf, "  %12s %8zu %5.1f%% ", range.c_str(), s.counts[i], share);
    out += buf;
    out += std::string(s.counts[i] * 40 / top, '#');
    out += '\n';
  }
  for (const auto& [t, share] : s.share_over) {
    std::snprintf(buf, sizeof buf, "  longer than %zu: %.2f%%\n", t, 100 * share);
    out += buf;
  }
}

}  // namespace

LengthSummary summarize_lengths(std::vector<size_t> lengths, const std::vector<size_t>& edges,
                                const std::vector<size_t>& thresholds) {
  check(!edges.empty() && edges[0] == 0, ErrorCode::INTERNAL, "histogram edges must start at 0");
  LengthSummary s;
  s.edges = edges;
  s.counts.assign(edges.size(), 0);
  s.count = lengths.size();
  for (size_t t : thresholds) s.share_over.emplace_back(t, 0.0);
  if (lengths.empty()) return s;
  std::sort(lengths.begin(), lengths.end());
  double sum = 0;
  for (size_t v : lengths) {
    sum += static_cast<double>(v);
    const size_t b =
        static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()) - 1;
    ++s.counts[b];
  }
  s.min = lengths.front();
  s.max = lengths.back();
  s.mean = sum / static_cast<double>(lengths.size());
  s.p50 = nearest_rank(lengths, 50);
  s.p90 = nearest_rank(lengths, 90);
  s.p99 = nearest_rank(lengths, 99);
  for (auto& [t, share] : s.share_over) {
    const size_t over =
        static_cast<size_t>(lengths.end() - std::upper_bound(lengths.begin(), lengths.end(), t));
    share = static_cast<double>(over) / static_cast<double>(lengths.size());
  }
  return s;
}

DatasetStats compute_stats(DatasetReader& reader, const TokenCounter& count_tokens, size_t batch) {
  DatasetStats s;
  s.source = reader.describe();
  std::vector<size_t> chars, tokens;
  std::vector<std::string> pending;
  auto flush = [&] {
    if (pending.empty()) return;
    const std::vector<size_t> n = count_tokens(pending);
    check(n.size() == pending.size(), ErrorCode::INTERNAL, "token counter returned a wrong count");
    tokens.insert(tokens.end(), n.begin(), n.end());
    pending.clear();
  };
  Example ex;
  while (reader.next(ex)) {
    ++s.examples;
    ++s.counts[ex.split][ex.label_name];
    chars.push_back(utf8_length(ex.text));
    if (!ex.text_pair.empty()) ++s.with_pair;
    if (count_tokens) {
      pending.push_back(std::move(ex.text));
      if (pending.size() >= batch) flush();
    }
  }
  if (count_tokens) flush();
  s.bad_rows = reader.bad_rows();
  s.chars = summarize_lengths(std::move(chars), kCharEdges);
  if (count_tokens) s.tokens = summarize_lengths(std::move(tokens), kTokenEdges, kTokenThresholds);
  return s;
}

nlohmann::json stats_to_json(const DatasetStats& s) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [split, labels] : s.counts) {
    nlohmann::json l = nlohmann::json::object();
    size_t total = 0;
    for (const auto& [name, n] : labels) {
      l[name.empty() ? "(unlabelled)" : name] = n;
      total += n;
    }
    counts[split.empty() ? "(none)" : split] = {{"total", total}, {"labels", l}};
  }
  nlohmann::json j = {{"source", s.source},     {"examples", s.examples},
                      {"bad_rows", s.bad_rows}, {"with_text_pair", s.with_pair},
                      {"splits", counts},       {"chars", summary_json(s.chars)}};
  j["tokens"] = s.tokens ? summary_json(*s.tokens) : nlohmann::json(nullptr);
  return j;
}

std::string format_stats(const DatasetStats& s) {
  std::string out = cat(s.source, "\n", s.examples, " examples",
                        s.bad_rows ? cat(", ", s.bad_rows, " malformed rows skipped") : "", "\n\n");
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-10s %-16s %10s\n", "split", "label", "count");
  out += buf;
  for (const auto& [split, labels] : s.counts) {
    for (const auto& [name, n] : labels) {
      std::snprintf(buf, sizeof buf, "  %-10s %-16s %10zu\n", split.empty() ? "-" : split.c_str(),
                    name.empty() ? "(unlabelled)" : name.c_str(), n);
      out += buf;
    }
  }
  append_summary(out, "length in characters", s.chars);
  if (s.tokens) {
    append_summary(out, "length in tokens", *s.tokens);
  } else {
    out += "\n(token lengths: pass --tokenizer DIR)\n";
  }
  return out;
}

}  // namespace bertq::data
