// WordPiece segmentation (see wordpiece.h).
#include "text/wordpiece.h"

#include <algorithm>

#include "core/error.h"

namespace bertq::text {

WordPiece::WordPiece(const Vocab& vocab, WordPieceConfig cfg) : cfg_(std::move(cfg)) {
  unk_id_ = vocab.find(cfg_.unk_token);
  check(unk_id_ >= 0, ErrorCode::CORRUPT_FILE, "WordPiece: unk_token \"", cfg_.unk_token,
        "\" is not in the vocabulary");
  check(cfg_.max_input_chars_per_word > 0, ErrorCode::CORRUPT_FILE,
        "WordPiece: max_input_chars_per_word must be positive");
  const std::string& prefix = cfg_.continuing_subword_prefix;
  for (size_t id = 0; id < vocab.size(); ++id) {
    const std::string& t = vocab.token(static_cast<int32_t>(id));
    // vocab.find gives the id that wins for duplicate tokens; map exactly that one.
    const int32_t winner = vocab.find(t);
    if (winner != static_cast<int32_t>(id)) continue;
    whole_.insert(t, winner);
    if (!prefix.empty() && t.size() > prefix.size() && t.compare(0, prefix.size(), prefix) == 0) {
      cont_.insert(std::string_view(t).substr(prefix.size()), winner);
    }
  }
  if (prefix.empty()) cont_ = whole_;  // continuations are spelled like whole tokens
}

void WordPiece::tokenize(const char* w, size_t n, size_t chars, std::vector<Piece>& out) const {
  if (n == 0) return;
  if (chars > static_cast<size_t>(cfg_.max_input_chars_per_word)) {
    out.push_back({unk_id_, 0, static_cast<uint32_t>(n)});
    return;
  }
  const size_t mark = out.size();
  size_t start = 0;
  while (start < n) {
    const StringIdMap& map = start == 0 ? whole_ : cont_;
    size_t end = std::min(n, start + map.max_key_length());
    // Move back to a character boundary (a byte that is not 10xxxxxx, or the word's end).
    while (end < n && end > start && (static_cast<uint8_t>(w[end]) & 0xC0) == 0x80) --end;
    int32_t id = -1;
    while (end > start) {
      id = map.find(w + start, end - start);
      if (id >= 0) break;
      --end;
      while (end > start && (static_cast<uint8_t>(w[end]) & 0xC0) == 0x80) --end;
    }
    if (id < 0) {
      out.resize(mark);
      out.push_back({unk_id_, 0, static_cast<uint32_t>(n)});
      return;
    }
    out.push_back({id, static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    start = end;
  }
}

}  // namespace bertq::text
