// Byte-level BPE text model (see bpe_text_model.h).
#include "text/bpe_text_model.h"

#include "core/error.h"
#include "core/utf8.h"
#include "text/bpe_cache.h"
#include "text/byte_level.h"
#include "text/string_id_map.h"

namespace bertq::text {
namespace {

// Offset of the first invalid UTF-8 sequence of s, or s.size().
size_t first_invalid_utf8(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<uint8_t>(p[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    const size_t len = decode_utf8(p, n, i, cp);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

// Where the working string's bytes come from: byte k of the working string (after the prefix
// space, if any) is byte k of `text`, whose character spans [start[k], end[k]) of the original
// segment; without tables (valid text), text is the original and characters are found by
// walking over continuation bytes.
struct SourceMap {
  std::string_view text;
  const uint32_t* start = nullptr;
  const uint32_t* end = nullptr;

  uint32_t char_start(size_t k) const {
    if (start != nullptr) return start[k];
    while (k > 0 && (static_cast<uint8_t>(text[k]) & 0xC0) == 0x80) --k;
    return static_cast<uint32_t>(k);
  }
  uint32_t char_end(size_t k) const {
    if (end != nullptr) return end[k];
    ++k;
    while (k < text.size() && (static_cast<uint8_t>(text[k]) & 0xC0) == 0x80) ++k;
    return static_cast<uint32_t>(k);
  }
};

}  // namespace

BpeTextModel::BpeTextModel(const Vocab& vocab, Bpe bpe, ByteLevelConfig cfg)
    : vocab_(vocab), bpe_(std::move(bpe)), cfg_(cfg), uid_(BpeCache::new_model_uid()) {}

void BpeTextModel::encode(std::string_view text, uint32_t base, bool replace_invalid,
                          std::vector<int32_t>& ids, Offsets& offsets) const {
  encode_impl(text, base, replace_invalid, false, ids, offsets);
}

void BpeTextModel::encode_reference(std::string_view text, uint32_t base, bool replace_invalid,
                                    std::vector<int32_t>& ids, Offsets& offsets) const {
  encode_impl(text, base, replace_invalid, true, ids, offsets);
}

void BpeTextModel::encode_impl(std::string_view text, uint32_t base, bool replace_invalid,
                               bool reference, std::vector<int32_t>& ids, Offsets& offsets) const {
  if (text.empty()) return;
  SourceMap src{text};
  std::string replaced;
  std::vector<uint32_t> start, end;
  const size_t bad = first_invalid_utf8(text);
  if (bad < text.size()) {
    if (!replace_invalid) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  cat("text: invalid UTF-8 at byte offset ", base + bad, " (byte 0x", std::hex,
                      int(static_cast<uint8_t>(text[bad])), ")"));
    }
    for (size_t i = 0; i < text.size();) {
      uint32_t cp;
      size_t skip = 0;
      size_t len = decode_utf8(text.data(), text.size(), i, cp, &skip);
      if (len == 0) {
        cp = kReplacementChar;
        len = skip;
      }
      const size_t before = replaced.size();
      append_utf8(replaced, cp);
      start.insert(start.end(), replaced.size() - before, static_cast<uint32_t>(i));
      end.insert(end.end(), replaced.size() - before, static_cast<uint32_t>(i + len));
      i += len;
    }
    src = {replaced, start.data(), end.data()};
  }
  // The working string: the text, with a space in front when add_prefix_space asks for one.
  const bool prefix = cfg_.add_prefix_space && src.text[0] != ' ';
  std::string prefixed;
  std::string_view work = src.text;
  if (prefix) {
    prefixed.reserve(work.size() + 1);
    prefixed += ' ';
    prefixed.append(work);
    work = prefixed;
  }
  thread_local std::vector<Span> pieces;
  thread_local std::vector<BpeToken> toks;
  pieces.clear();
  if (!cfg_.use_regex) {
    pieces.push_back({0, static_cast<uint32_t>(work.size())});
  } else if (reference) {
    split_gpt2_reference(work, pieces);
  } else {
    split_gpt2(work, pieces);
  }
  BpeCache* cache = reference ? nullptr : &BpeCache::of_thread(uid_);
  const size_t p = prefix ? 1 : 0;
  for (const Span& piece : pieces) {
    const std::string_view word = work.substr(piece.begin, piece.end - piece.begin);
    const BpeToken* t = nullptr;
    uint32_t n = 0;
    uint64_t hash = 0;
    if (cache != nullptr) {
      hash = hash_bytes(word.data(), word.size());
      t = cache->find(word, hash, n);
    }
    if (t == nullptr) {
      toks.clear();
      if (reference) {
        bpe_.tokenize_reference(word, toks);
      } else {
        bpe_.tokenize(word, toks);
        cache->insert(word, hash, toks.data(), toks.size());
      }
      t = toks.data();
      n = static_cast<uint32_t>(toks.size());
    }
    for (uint32_t k = 0; k < n; ++k) {
      // Bytes [b, e) of the working string; the prefix space belongs to the first character.
      const size_t b = piece.begin + t[k].begin, e = piece.begin + t[k].end;
      const size_t first = b >= p ? b - p : 0, last = e - 1 >= p ? e - 1 - p : 0;
      ids.push_back(t[k].id);
      offsets.emplace_back(base + src.char_start(first), base + src.char_end(last));
    }
  }
}

std::string BpeTextModel::decode(const std::vector<int32_t>& ids) const {
  std::string bytes;
  for (const int32_t id : ids) {
    const std::string& t = vocab_.token(id);
    const size_t before = bytes.size();
    bool mapped = true;
    for (size_t i = 0; i < t.size() && mapped;) {
      uint32_t cp;
      const size_t len = decode_utf8(t.data(), t.size(), i, cp);
      const int b = len == 0 ? -1 : codepoint_to_byte(cp);
      if (b < 0) {
        mapped = false;
      } else {
        bytes += static_cast<char>(b);
        i += len;
      }
    }
    if (!mapped) {
      bytes.resize(before);
      bytes += t;
    }
  }
  return replace_invalid_utf8(bytes);
}

}  // namespace bertq::text
