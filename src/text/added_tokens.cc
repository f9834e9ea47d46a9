// Added-token registry (see added_tokens.h).
#include "text/added_tokens.h"

#include <algorithm>

#include "core/error.h"
#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {

size_t lstrip_start(std::string_view text, size_t start, size_t floor) {
  while (start > floor) {
    size_t p = start - 1;  // the previous character's first byte
    while (p > floor && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80) --p;
    uint32_t cp;
    const size_t len = decode_utf8(text.data(), text.size(), p, cp);
    if (len != start - p || !is_whitespace(cp)) break;
    start = p;
  }
  return start;
}

size_t rstrip_end(std::string_view text, size_t stop) {
  while (stop < text.size()) {
    uint32_t cp;
    const size_t len = decode_utf8(text.data(), text.size(), stop, cp);
    if (len == 0 || !is_whitespace(cp)) break;
    stop += len;
  }
  return stop;
}

void AddedTokens::add(AddedToken t) {
  check(!t.content.empty(), ErrorCode::CORRUPT_FILE, "added token with empty content");
  bool replaced = false;
  for (auto& old : tokens_) {
    if (old.content == t.content) {
      old = t;
      replaced = true;
    }
  }
  if (!replaced) tokens_.push_back(std::move(t));
  index();
}

void AddedTokens::index() {
  for (int p = 0; p < 2; ++p) {
    Pass& pass = passes_[p];
    pass.by_length.clear();
    std::fill(std::begin(pass.first_byte), std::end(pass.first_byte), false);
    for (size_t k = 0; k < tokens_.size(); ++k) {
      if (tokens_[k].normalized != (p == 1)) continue;
      pass.by_length.push_back(k);
      pass.first_byte[static_cast<uint8_t>(tokens_[k].content[0])] = true;
    }
    std::stable_sort(pass.by_length.begin(), pass.by_length.end(), [&](size_t a, size_t b) {
      return tokens_[a].content.size() > tokens_[b].content.size();
    });
  }
}

AddedTokens AddedTokens::normalized_only() const {
  AddedTokens out;
  for (AddedToken t : tokens_) {
    if (!t.normalized) continue;
    t.normalized = false;
    out.add(std::move(t));
  }
  return out;
}

bool AddedTokens::is_special(int32_t id) const {
  for (const auto& t : tokens_)
    if (t.id == id && t.special) return true;
  return false;
}

}  // namespace bertq::text
