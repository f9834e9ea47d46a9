// JSON Lines dataset reader and stratified split (see dataset.h).
#include "train/dataset.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "core/error.h"
#include "core/line_reader.h"

namespace bertq::train {

std::vector<Example> load_jsonl(const std::string& path, const std::vector<std::string>& labels,
                                size_t limit, uint64_t seed) {
  check(!labels.empty(), ErrorCode::INVALID_ARGUMENT, "load_jsonl: no labels");
  LineReader r(path);
  std::vector<Example> out;
  std::string line;
  while (r.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = cat(path, ":", r.line_number());
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": bad JSON: ", e.what()));
    }
    check(j.is_object() && j.contains("text") && j["text"].is_string(), ErrorCode::CORRUPT_FILE,
          cat(where, ": field text: missing or not a string"));
    check(j.contains("label"), ErrorCode::CORRUPT_FILE, cat(where, ": field label: missing"));
    Example ex;
    ex.text = j["text"].get<std::string>();
    if (j.contains("id") && j["id"].is_string()) ex.id = j["id"].get<std::string>();
    else ex.id = cat(path, ":", r.line_number());
    const auto& l = j["label"];
    int64_t v = -1;
    if (l.is_number_integer()) {
      v = l.get<int64_t>();
    } else if (l.is_string()) {
      const auto s = l.get<std::string>();
      auto it = std::find(labels.begin(), labels.end(), s);
      if (it != labels.end()) v = it - labels.begin();
      else if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) v = std::stoll(s);
    }
    check(v >= 0 && v < static_cast<int64_t>(labels.size()), ErrorCode::CORRUPT_FILE,
          cat(where, ": field label: ", l.dump(), " is not one of the model's ", labels.size(),
              " labels"));
    ex.label = static_cast<int32_t>(v);
    out.push_back(std::move(ex));
  }
  check(!out.empty(), ErrorCode::INVALID_ARGUMENT, cat(path, ": no examples"));
  if (limit > 0 && limit < out.size()) {
    std::vector<size_t> idx(out.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::mt19937_64 rng(seed);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(limit);
    std::sort(idx.begin(), idx.end());
    std::vector<Example> kept;
    for (size_t i : idx) kept.push_back(std::move(out[i]));
    out = std::move(kept);
  }
  return out;
}

std::pair<std::vector<Example>, std::vector<Example>> stratified_split(
    const std::vector<Example>& all, double fraction, uint64_t seed) {
  check(fraction > 0 && fraction < 1, ErrorCode::INVALID_ARGUMENT,
        cat("--validation-split: must be in (0, 1), got ", fraction));
  std::map<int32_t, std::vector<size_t>> by_label;
  for (size_t i = 0; i < all.size(); ++i) by_label[all[i].label].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<char> held(all.size(), 0);
  for (auto& [label, idx] : by_label) {
    std::shuffle(idx.begin(), idx.end(), rng);
    const size_t n = static_cast<size_t>(fraction * idx.size() + 0.5);
    for (size_t k = 0; k < n; ++k) held[idx[k]] = 1;
  }
  std::pair<std::vector<Example>, std::vector<Example>> out;
  for (size_t i = 0; i < all.size(); ++i) (held[i] ? out.second : out.first).push_back(all[i]);
  check(!out.first.empty() && !out.second.empty(), ErrorCode::INVALID_ARGUMENT,
        cat("--validation-split ", fraction, " of ", all.size(), " examples leaves a side empty"));
  return out;
}

}  // namespace bertq::train
