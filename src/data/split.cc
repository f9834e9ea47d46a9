// Stratified split and subsample. Randomness is our own (splitmix64 + Fisher-Yates with a
// multiply-shift bounded draw), not std::shuffle, so a seed gives the same split with any
// standard library.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "data/dataset.h"

namespace bertq::data {
namespace {

struct SplitMix64 {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  size_t below(size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
};

// Indices of ds.examples grouped by label (-1 = unlabelled), each group shuffled by seed.
std::map<int, std::vector<size_t>> shuffled_groups(const Dataset& ds, uint64_t seed) {
  std::map<int, std::vector<size_t>> groups;
  for (size_t i = 0; i < ds.examples.size(); ++i) groups[ds.examples[i].label].push_back(i);
  SplitMix64 rng{seed};
  for (auto& [label, idx] : groups)
    for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);
  return groups;
}

Dataset subset(const Dataset& ds, std::vector<size_t> idx) {
  std::sort(idx.begin(), idx.end());
  Dataset out;
  out.labels = ds.labels;
  out.source = ds.source;
  out.bad_rows = ds.bad_rows;
  out.examples.reserve(idx.size());
  for (size_t i : idx) out.examples.push_back(ds.examples[i]);
  return out;
}

}  // namespace

std::pair<Dataset, Dataset> stratified_split(const Dataset& ds, double fraction, uint64_t seed) {
  check(fraction >= 0 && fraction < 1, ErrorCode::INVALID_ARGUMENT,
        "validation split must be in [0, 1), got ", fraction);
  std::vector<size_t> train, val;
  for (auto& [label, idx] : shuffled_groups(ds, seed)) {
    const size_t nv = static_cast<size_t>(std::llround(fraction * static_cast<double>(idx.size())));
    val.insert(val.end(), idx.begin(), idx.begin() + static_cast<long>(nv));
    train.insert(train.end(), idx.begin() + static_cast<long>(nv), idx.end());
  }
  return {subset(ds, std::move(train)), subset(ds, std::move(val))};
}

Dataset stratified_limit(const Dataset& ds, size_t n, uint64_t seed) {
  const size_t total = ds.examples.size();
  if (n >= total) return ds;
  auto groups = shuffled_groups(ds, seed);
  // Largest remainder: floor shares first, then one more to the largest fractional parts
  // (ties to the smaller label, so it is deterministic).
  std::vector<std::pair<double, int>> rem;
  std::map<int, size_t> take;
  size_t given = 0;
  for (auto& [label, idx] : groups) {
    const double exact =
        static_cast<double>(n) * static_cast<double>(idx.size()) / static_cast<double>(total);
    take[label] = static_cast<size_t>(std::floor(exact));
    given += take[label];
    rem.emplace_back(exact - std::floor(exact), label);
  }
  std::stable_sort(rem.begin(), rem.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < n && i < rem.size(); ++i, ++given) ++take[rem[i].second];
  std::vector<size_t> keep;
  for (auto& [label, idx] : groups)
    keep.insert(keep.end(), idx.begin(), idx.begin() + static_cast<long>(take[label]));
  return subset(ds, std::move(keep));
}

}  // namespace bertq::data
