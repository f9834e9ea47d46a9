// Added-token registry (see added_tokens.h).
#include "text/added_tokens.h"

#include <algorithm>

#include "core/error.h"

namespace bertq::text {

void AddedTokens::add(AddedToken t) {
  check(!t.content.empty(), ErrorCode::CORRUPT_FILE, "added token with empty content");
  for (auto& old : tokens_) {
    if (old.content == t.content) {
      old = std::move(t);
      return;
    }
  }
  tokens_.push_back(std::move(t));
  by_length_.clear();
  for (size_t k = 0; k < tokens_.size(); ++k) by_length_.push_back(k);
  std::stable_sort(by_length_.begin(), by_length_.end(), [&](size_t a, size_t b) {
    return tokens_[a].content.size() > tokens_[b].content.size();
  });
  std::fill(std::begin(first_byte_), std::end(first_byte_), false);
  for (const auto& x : tokens_) first_byte_[static_cast<uint8_t>(x.content[0])] = true;
}

bool AddedTokens::is_special(int32_t id) const {
  for (const auto& t : tokens_)
    if (t.id == id && t.special) return true;
  return false;
}

}  // namespace bertq::text
