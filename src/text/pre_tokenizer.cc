// Reference BERT pre-tokenizer (see pre_tokenizer.h).
#include "text/pre_tokenizer.h"

#include "core/error.h"
#include "core/utf8.h"
#include "text/char_class.h"

namespace bertq::text {

std::vector<std::pair<uint32_t, uint32_t>> pre_tokenize(std::string_view s) {
  std::vector<std::pair<uint32_t, uint32_t>> words;
  size_t start = 0;
  bool in_word = false;
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp;
    const size_t len = decode_utf8(s.data(), s.size(), i, cp);
    if (len == 0)
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  cat("pre_tokenize: invalid UTF-8 at byte offset ", i));
    const bool ws = is_whitespace(cp);
    const bool punct = !ws && is_punctuation(cp);
    if (ws || punct) {
      if (in_word) words.emplace_back(uint32_t(start), uint32_t(i));
      in_word = false;
      if (punct) words.emplace_back(uint32_t(i), uint32_t(i + len));
    } else if (!in_word) {
      in_word = true;
      start = i;
    }
    i += len;
  }
  if (in_word) words.emplace_back(uint32_t(start), uint32_t(s.size()));
  return words;
}

}  // namespace bertq::text
