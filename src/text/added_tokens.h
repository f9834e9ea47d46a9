// Added tokens (HF AddedVocabulary) for the supported case: tokens matched literally in the
// raw text before normalization ("normalized": false), leftmost-longest, each becoming one
// token. For BERT these are [PAD] [UNK] [CLS] [SEP] [MASK]: "x [SEP] y" encodes [SEP] as 102.
//
//   bertq::text::AddedTokens added;
//   added.add({"[SEP]", 102, true});
//   added.split(text, [&](size_t b, size_t e) { /* plain text */ },
//                     [&](int32_t id, size_t b, size_t e) { /* one token */ });
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::text {

struct AddedToken {
  std::string content;
  int32_t id;
  bool special;
};

class AddedTokens {
 public:
  void add(AddedToken t);
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool is_special(int32_t id) const;

  // Calls on_text(begin, end) for each run of plain text (possibly none) and
  // on_token(id, begin, end) for each match, in order.
  template <typename TextFn, typename TokenFn>
  void split(std::string_view text, TextFn&& on_text, TokenFn&& on_token) const {
    size_t plain = 0, i = 0;
    const size_t n = text.size();
    if (!by_length_.empty()) {
      while (i < n) {
        if (!first_byte_[static_cast<uint8_t>(text[i])]) {
          ++i;
          continue;
        }
        const AddedToken* hit = nullptr;
        for (const size_t k : by_length_) {  // longest first
          const AddedToken& t = tokens_[k];
          if (t.content.size() <= n - i &&
              std::memcmp(text.data() + i, t.content.data(), t.content.size()) == 0) {
            hit = &t;
            break;
          }
        }
        if (hit == nullptr) {
          ++i;
          continue;
        }
        if (plain < i) on_text(plain, i);
        on_token(hit->id, i, i + hit->content.size());
        i += hit->content.size();
        plain = i;
      }
    }
    if (plain < n) on_text(plain, n);
  }

 private:
  std::vector<AddedToken> tokens_;
  std::vector<size_t> by_length_;  // indices into tokens_, longest content first
  bool first_byte_[256] = {};
};

}  // namespace bertq::text
