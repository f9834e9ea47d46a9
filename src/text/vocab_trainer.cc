// WordPiece vocabulary training by BPE-style merges (see vocab_trainer.h).
//
// Data: each distinct word is a sequence of symbol ids with its corpus count. pair_counts
// holds, for every adjacent symbol pair, the sum of the counts of the words containing it
// (once per occurrence); `where` lists the words a pair occurs in. A max-heap of
// (count, pair) entries is validated lazily: an entry whose count is stale is re-pushed
// with the current count. Merging a pair rewrites only the words listed for it, subtracting
// their old pairs and adding their new ones.
#include "text/vocab_trainer.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <unordered_set>

#include "core/error.h"
#include "core/line_reader.h"
#include "core/utf8.h"
#include "text/pre_tokenizer.h"

namespace bertq::text {
namespace {

uint64_t pair_key(int32_t a, int32_t b) {
  return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

struct HeapEntry {
  uint64_t count;
  uint64_t pair;
  bool operator<(const HeapEntry& o) const {  // max-heap: higher count, then lower pair ids
    if (count != o.count) return count < o.count;
    return pair > o.pair;
  }
};

}  // namespace

VocabTrainer::VocabTrainer(VocabTrainerOptions opts) : opts_(std::move(opts)) {
  check(opts_.vocab_size > opts_.special_tokens.size(), ErrorCode::INVALID_ARGUMENT, "vocab_size ",
        opts_.vocab_size, " must exceed the ", opts_.special_tokens.size(), " special tokens");
}

void VocabTrainer::add_text(std::string_view text) {
  const NormalizedText n = normalize(opts_.normalizer, text, /*replace_invalid=*/true);
  for (const auto& [b, e] : pre_tokenize(n.text)) ++counts_[n.text.substr(b, e - b)];
}

void VocabTrainer::add_file(const std::string& path, const std::string& text_field) {
  LineReader r(path);
  std::string line;
  while (r.next(line)) {
    const size_t p = line.find_first_not_of(" \t\r");
    if (p != std::string::npos && line[p] == '{') {
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_object()) {
        const auto it = j.find(text_field);
        check(it != j.end() && it->is_string(), ErrorCode::INVALID_ARGUMENT, path, ": line ",
              r.line_number(), ": no string field \"", text_field, "\"");
        add_text(it->get_ref<const std::string&>());
        continue;
      }
    }
    add_text(line);
  }
}

std::vector<std::string> VocabTrainer::train() const {
  const std::string& prefix = opts_.continuing_subword_prefix;
  std::vector<std::string> vocab;
  std::unordered_map<std::string, int32_t> ids;
  auto add_token = [&](const std::string& t) {
    auto [it, inserted] = ids.emplace(t, static_cast<int32_t>(vocab.size()));
    if (inserted) vocab.push_back(t);
    return it->second;
  };
  for (const auto& t : opts_.special_tokens) add_token(t);

  // Words in a fixed order (count desc, then bytes) so ids do not depend on hashing.
  std::vector<std::pair<std::string, uint64_t>> words(counts_.begin(), counts_.end());
  std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });

  // Alphabet: the limit_alphabet most frequent code points, in code-point order.
  std::map<uint32_t, uint64_t> char_counts;
  for (const auto& [w, c] : words) {
    for (size_t i = 0; i < w.size();) {
      uint32_t cp;
      const size_t n = decode_utf8(w.data(), w.size(), i, cp);
      char_counts[cp] += c;
      i += n;
    }
  }
  std::vector<std::pair<uint32_t, uint64_t>> chars(char_counts.begin(), char_counts.end());
  if (chars.size() > opts_.limit_alphabet) {
    std::stable_sort(chars.begin(), chars.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    chars.resize(opts_.limit_alphabet);
    std::sort(chars.begin(), chars.end());
  }
  std::unordered_set<uint32_t> alphabet;
  for (const auto& [cp, c] : chars) {
    std::string s;
    append_utf8(s, cp);
    add_token(s);
    alphabet.insert(cp);
  }

  // Words as symbol sequences ("##c" inside a word; characters outside the alphabet dropped).
  std::vector<std::vector<int32_t>> syms(words.size());
  for (size_t wi = 0; wi < words.size(); ++wi) {
    const std::string& w = words[wi].first;
    bool first = true;
    for (size_t i = 0; i < w.size();) {
      uint32_t cp;
      const size_t n = decode_utf8(w.data(), w.size(), i, cp);
      if (alphabet.count(cp)) {
        const std::string c = w.substr(i, n);
        syms[wi].push_back(add_token(first ? c : prefix + c));
        first = false;
      }
      i += n;
    }
  }

  std::unordered_map<uint64_t, uint64_t> pair_counts;
  std::unordered_map<uint64_t, std::unordered_set<size_t>> where;
  for (size_t wi = 0; wi < syms.size(); ++wi) {
    for (size_t i = 0; i + 1 < syms[wi].size(); ++i) {
      const uint64_t k = pair_key(syms[wi][i], syms[wi][i + 1]);
      pair_counts[k] += words[wi].second;
      where[k].insert(wi);
    }
  }
  std::priority_queue<HeapEntry> heap;
  for (const auto& [k, c] : pair_counts) heap.push({c, k});

  auto strip = [&](const std::string& t) {
    return !prefix.empty() && t.compare(0, prefix.size(), prefix) == 0 ? t.substr(prefix.size())
                                                                       : t;
  };
  while (vocab.size() < opts_.vocab_size && !heap.empty()) {
    const HeapEntry top = heap.top();
    heap.pop();
    const auto pc = pair_counts.find(top.pair);
    const uint64_t current = pc == pair_counts.end() ? 0 : pc->second;
    if (current != top.count) {
      if (current > 0) heap.push({current, top.pair});
      continue;
    }
    if (top.count < opts_.min_frequency || top.count == 0) break;
    const int32_t a = static_cast<int32_t>(top.pair >> 32),
                  b = static_cast<int32_t>(top.pair & 0xFFFFFFFFu);
    const int32_t merged =
        add_token(vocab[static_cast<size_t>(a)] + strip(vocab[static_cast<size_t>(b)]));
    std::unordered_set<uint64_t> touched;
    const std::vector<size_t> affected(where[top.pair].begin(), where[top.pair].end());
    for (size_t wi : affected) {
      std::vector<int32_t>& s = syms[wi];
      const uint64_t c = words[wi].second;
      for (size_t i = 0; i + 1 < s.size(); ++i) pair_counts[pair_key(s[i], s[i + 1])] -= c;
      std::vector<int32_t> out;
      out.reserve(s.size());
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          out.push_back(merged);
          ++i;
        } else {
          out.push_back(s[i]);
        }
      }
      s.swap(out);
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        const uint64_t k = pair_key(s[i], s[i + 1]);
        pair_counts[k] += c;
        where[k].insert(wi);
        touched.insert(k);
      }
    }
    pair_counts.erase(top.pair);
    for (uint64_t k : touched) {
      const uint64_t c = pair_counts[k];
      if (c > 0) heap.push({c, k});
    }
  }
  return vocab;
}

}  // namespace bertq::text
