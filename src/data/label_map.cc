// Label matching. Polarity of a name: +1 for pos/positive (and 1 / label_1 in a two-class
// setting), -1 for neg/negative (0 / label_0), 0 otherwise. A query matches the single
// entry with the same non-zero polarity.
#include "data/label_map.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/error.h"
#include "data/dataset.h"
#include "data/text_clean.h"

namespace bertq::data {
namespace {

bool parse_int(std::string_view s, long& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

int polarity(const std::string& lower, bool two_class) {
  if (lower == "pos" || lower == "positive") return 1;
  if (lower == "neg" || lower == "negative") return -1;
  if (two_class) {
    if (lower == "1" || lower == "label_1") return 1;
    if (lower == "0" || lower == "label_0") return -1;
  }
  return 0;
}

}  // namespace

int LabelMap::id(std::string_view name) const {
  const std::string q = ascii_lower(trim(name));
  if (q.empty()) return -1;
  for (size_t i = 0; i < names.size(); ++i)
    if (ascii_lower(names[i]) == q) return static_cast<int>(i);
  const bool two = names.size() == 2;
  const int pq = polarity(q, true);
  if (pq != 0 && !names.empty()) {
    int found = -1, matches = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      if (polarity(ascii_lower(names[i]), two) == pq) {
        found = static_cast<int>(i);
        ++matches;
      }
    }
    if (matches == 1) return found;
  }
  long v = -1;
  if (parse_int(q, v) && v >= 0) {
    if (names.empty()) return static_cast<int>(v);
    if (v < static_cast<long>(names.size())) return static_cast<int>(v);
  }
  if (q.size() > 6 && q.compare(0, 6, "label_") == 0 && parse_int(q.substr(6), v) && v >= 0 &&
      v < static_cast<long>(names.size()))
    return static_cast<int>(v);
  return -1;
}

int LabelMap::get_or_add(std::string_view name) {
  const int i = id(name);
  if (i >= 0) return i;
  names.emplace_back(trim(name));
  return static_cast<int>(names.size()) - 1;
}

LabelMap LabelMap::build(const std::vector<std::string>& seen) {
  std::set<std::string> distinct;
  for (const auto& s : seen)
    if (!s.empty()) distinct.insert(s);
  LabelMap m;
  if (distinct.empty()) return m;
  long max_int = -1;
  bool all_int = true;
  for (const auto& s : distinct) {
    long v = -1;
    if (parse_int(s, v) && v >= 0 && v < 100000) {
      max_int = std::max(max_int, v);
    } else {
      all_int = false;
    }
  }
  if (all_int) {
    for (long i = 0; i <= max_int; ++i) m.names.push_back(std::to_string(i));
    return m;
  }
  bool sentiment = true;
  for (const auto& s : distinct) sentiment = sentiment && polarity(ascii_lower(s), false) != 0;
  if (sentiment) {
    m.names = {"NEGATIVE", "POSITIVE"};
    return m;
  }
  m.names.assign(distinct.begin(), distinct.end());
  return m;
}

void map_labels(Dataset& ds, const std::vector<std::string>& id2label) {
  LabelMap m;
  m.names = id2label;
  for (auto& ex : ds.examples) {
    if (ex.label_name.empty()) {
      ex.label = -1;
      continue;
    }
    ex.label = m.id(ex.label_name);
    if (ex.label < 0) {
      std::string known;
      for (const auto& n : id2label) known += (known.empty() ? "" : ", ") + n;
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  cat(ex.id, ": label \"", ex.label_name, "\" is not one of the model's labels (",
                      known, ")"));
    }
  }
  ds.labels = std::move(m);
}

}  // namespace bertq::data
