// Added tokens (HF AddedVocabulary): tokens matched literally in the text before the model
// sees it, leftmost-longest, each becoming one token. For BERT these are [PAD] [UNK] [CLS]
// [SEP] [MASK]: "x [SEP] y" encodes [SEP] as 102. As in HF, two passes:
//   1. tokens with "normalized": false are matched in the raw text;
//   2. tokens with "normalized": true are matched in each run of text between pass-1 matches
//      (HF normalizes those runs first: without a normalizer the run is the text itself;
//      a Unigram model with its normalizer matches them in its normalized text itself, with
//      normalized_only(), after split_raw()).
// lstrip: the match also takes the whitespace (Rust char::is_whitespace) before it, back to the
// previous match or the start of the run; rstrip: the whitespace after it. The token's offsets
// cover that whitespace ("a <mask>" with lstrip: <mask> at [1, 8)). single_word is not
// implemented (the loaders refuse it). HF resumes the search after the match proper, bertq
// after the absorbed whitespace: they differ only for a token that starts with whitespace.
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
  bool lstrip = false, rstrip = false, normalized = false;
};

// Start of the whitespace run (Rust char::is_whitespace) that ends at text[start], not before
// `floor`; the end of the whitespace run that starts at text[stop].
size_t lstrip_start(std::string_view text, size_t start, size_t floor);
size_t rstrip_end(std::string_view text, size_t stop);

class AddedTokens {
 public:
  void add(AddedToken t);
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool is_special(int32_t id) const;

  // Pass 1 alone (the normalized tokens are left in the plain runs).
  template <typename TextFn, typename TokenFn>
  void split_raw(std::string_view text, TextFn&& on_text, TokenFn&& on_token) const {
    scan(passes_[0], text, 0, on_text, on_token);
  }
  // The "normalized": true tokens as tokens of a one-pass matcher (to split normalized text).
  AddedTokens normalized_only() const;
  bool has_normalized() const { return !passes_[1].by_length.empty(); }
  bool has_tokens() const { return !tokens_.empty(); }

  // Calls on_text(begin, end) for each run of plain text (possibly none) and
  // on_token(id, begin, end) for each match, in order.
  template <typename TextFn, typename TokenFn>
  void split(std::string_view text, TextFn&& on_text, TokenFn&& on_token) const {
    if (passes_[1].by_length.empty()) {
      scan(passes_[0], text, 0, on_text, on_token);
      return;
    }
    scan(
        passes_[0], text, 0,
        [&](size_t b, size_t e) { scan(passes_[1], text.substr(b, e - b), b, on_text, on_token); },
        on_token);
  }

 private:
  struct Pass {
    std::vector<size_t> by_length;  // indices into tokens_, longest content first
    bool first_byte[256] = {};
  };

  // One pass over `text` (which starts at offset `base` of the whole text).
  template <typename TextFn, typename TokenFn>
  void scan(const Pass& pass, std::string_view text, size_t base, TextFn&& on_text,
            TokenFn&& on_token) const {
    size_t plain = 0, i = 0;
    const size_t n = text.size();
    if (!pass.by_length.empty()) {
      while (i < n) {
        if (!pass.first_byte[static_cast<uint8_t>(text[i])]) {
          ++i;
          continue;
        }
        const AddedToken* hit = nullptr;
        for (const size_t k : pass.by_length) {  // longest first
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
        const size_t start = hit->lstrip ? lstrip_start(text, i, plain) : i;
        size_t stop = i + hit->content.size();
        if (hit->rstrip) stop = rstrip_end(text, stop);
        if (plain < start) on_text(base + plain, base + start);
        on_token(hit->id, base + start, base + stop);
        i = stop;
        plain = i;
      }
    }
    if (plain < n) on_text(base + plain, base + n);
  }

  void index();

  std::vector<AddedToken> tokens_;
  Pass passes_[2];  // 0: normalized false, 1: normalized true
};

}  // namespace bertq::text
