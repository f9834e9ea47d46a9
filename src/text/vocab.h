// A WordPiece vocabulary: token strings by id (id = line number - 1 in vocab.txt) and a
// hash map back from token to id.
//
//   auto v = bertq::text::Vocab::from_file("bert-base-uncased/vocab.txt");
//   v.find("hello") == 7592;  v.token(7592) == "hello";  v.size() == 30522;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/string_id_map.h"

namespace bertq::text {

class Vocab {
 public:
  Vocab() = default;
  // One token per line ("\n" or "\r\n"); the file must be valid UTF-8 and non-empty.
  static Vocab from_file(const std::string& path);
  // Token i gets id i.
  static Vocab from_tokens(std::vector<std::string> tokens, const std::string& what = "vocabulary");
  // (token, id) pairs, e.g. tokenizer.json's model.vocab; ids must be exactly 0..n-1.
  static Vocab from_pairs(const std::vector<std::pair<std::string, int64_t>>& pairs,
                          const std::string& what);

  int32_t find(std::string_view token) const { return map_.find(token); }
  const std::string& token(int32_t id) const { return tokens_.at(static_cast<size_t>(id)); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  size_t size() const { return tokens_.size(); }
  // vocab.txt contents: one token per line.
  std::string to_text() const;

 private:
  std::vector<std::string> tokens_;
  StringIdMap map_;
};

}  // namespace bertq::text
