// Minimal BERT uncased WordPiece tokenizer (see wordpiece.h). Unicode handling via utf8proc:
// categories for control / whitespace / punctuation, per-code-point lowercase and canonical
// decomposition.
#include "train/wordpiece.h"

#include <utf8proc.h>

#include "core/error.h"
#include "core/line_reader.h"

namespace bertq::train {

Truncation parse_truncation(std::string_view s) {
  if (s == "head") return Truncation::HEAD;
  if (s == "tail") return Truncation::TAIL;
  if (s == "head+tail") return Truncation::HEAD_TAIL;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("--truncation: expected head, tail or head+tail, got \"", s, "\""));
}

WordPiece WordPiece::from_vocab(const std::string& path) {
  WordPiece w;
  LineReader r(path);
  std::string line;
  while (r.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    w.vocab_.emplace(line, static_cast<int32_t>(r.line_number() - 1));
  }
  auto need = [&](const char* tok) {
    auto it = w.vocab_.find(tok);
    check(it != w.vocab_.end(), ErrorCode::CORRUPT_FILE, cat(path, ": no ", tok, " token"));
    return it->second;
  };
  w.cls_ = need("[CLS]");
  w.sep_ = need("[SEP]");
  w.unk_ = need("[UNK]");
  w.pad_ = need("[PAD]");
  return w;
}

namespace {

bool is_cjk(int32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_punct(int32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
    return true;
  const auto cat_ = utf8proc_category(c);
  return cat_ >= UTF8PROC_CATEGORY_PC && cat_ <= UTF8PROC_CATEGORY_PO;
}

bool is_space(int32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  return utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

bool is_control(int32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  const auto k = utf8proc_category(c);
  return k == UTF8PROC_CATEGORY_CC || k == UTF8PROC_CATEGORY_CF;
}

void append_utf8(std::string& s, int32_t c) {
  uint8_t buf[4];
  const auto n = utf8proc_encode_char(c, buf);
  s.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

}  // namespace

void WordPiece::wordpiece(const std::string& word, std::vector<int32_t>& out) const {
  // Character count for the 100-character rule.
  size_t chars = 0;
  for (unsigned char ch : word) chars += (ch & 0xC0) != 0x80;
  if (chars > 100) {
    out.push_back(unk_);
    return;
  }
  const size_t mark = out.size();
  size_t start = 0;
  while (start < word.size()) {
    size_t end = word.size();
    int32_t found = -1;
    while (end > start) {
      std::string sub = (start > 0 ? "##" : "") + word.substr(start, end - start);
      auto it = vocab_.find(sub);
      if (it != vocab_.end()) {
        found = it->second;
        break;
      }
      --end;
      while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) --end;
    }
    if (found < 0) {
      out.resize(mark);
      out.push_back(unk_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

std::vector<int32_t> WordPiece::tokenize(std::string_view text) const {
  std::vector<int32_t> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) wordpiece(word, out);
    word.clear();
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {  // invalid byte: skip it like a replacement character
      n = 1;
      c = 0xFFFD;
    }
    p += n;
    left -= n;
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_space(c)) {
      flush();
      continue;
    }
    if (is_cjk(c)) {
      flush();
      word.clear();
      append_utf8(word, c);
      flush();
      continue;
    }
    c = utf8proc_tolower(c);
    int32_t dec[8];
    int last_boundclass = 0;
    utf8proc_ssize_t nd =
        utf8proc_decompose_char(c, dec, 8, UTF8PROC_DECOMPOSE, &last_boundclass);
    if (nd <= 0 || nd > 8) {
      dec[0] = c;
      nd = 1;
    }
    for (utf8proc_ssize_t i = 0; i < nd; ++i) {
      const int32_t d = dec[i];
      if (utf8proc_category(d) == UTF8PROC_CATEGORY_MN) continue;
      if (is_punct(d)) {
        flush();
        append_utf8(word, d);
        flush();
      } else {
        append_utf8(word, d);
      }
    }
  }
  flush();
  return out;
}

Encoded WordPiece::encode(std::string_view text, int max_length, Truncation trunc) const {
  check(max_length >= 2, ErrorCode::INVALID_ARGUMENT,
        cat("--max-length: must be at least 2, got ", max_length));
  std::vector<int32_t> t = tokenize(text);
  const size_t budget = static_cast<size_t>(max_length) - 2;
  Encoded e;
  e.ids.reserve(std::min(t.size(), budget) + 2);
  e.ids.push_back(cls_);
  if (t.size() <= budget) {
    e.ids.insert(e.ids.end(), t.begin(), t.end());
  } else if (trunc == Truncation::HEAD) {
    e.ids.insert(e.ids.end(), t.begin(), t.begin() + budget);
  } else if (trunc == Truncation::TAIL) {
    e.ids.insert(e.ids.end(), t.end() - budget, t.end());
  } else {
    const size_t head = budget / 4, tail = budget - head;
    e.ids.insert(e.ids.end(), t.begin(), t.begin() + head);
    e.ids.insert(e.ids.end(), t.end() - tail, t.end());
  }
  e.ids.push_back(sep_);
  return e;
}

}  // namespace bertq::train
