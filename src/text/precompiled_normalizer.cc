// The Precompiled normalizer (see precompiled_normalizer.h).
#include "text/precompiled_normalizer.h"

#include <utf8proc.h>

#include <cstring>

#include "core/error.h"

namespace bertq::text {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Darts-clone double-array units (darts.h: DoubleArrayUnit).
bool unit_has_leaf(uint32_t u) {
  return ((u >> 8) & 1) != 0;
}
uint32_t unit_value(uint32_t u) {
  return u & 0x7FFFFFFFu;
}
uint32_t unit_label(uint32_t u) {
  return u & (0x80000000u | 0xFFu);
}
uint32_t unit_offset(uint32_t u) {
  return (u >> 10) << ((u & (1u << 9)) >> 6);
}

// HF's (char, change) list, applied as it is built (NormalizedString::transform over the whole
// text with initial_offset 0): the last entry stays pending because a later replacement by
// fewer characters may lower its change.
class Transformer {
 public:
  Transformer(const std::vector<InputChar>& in, std::vector<InputChar>& out) : in_(in), out_(out) {}
  void push(uint32_t cp, int64_t change) {
    flush();
    pending_ = true;
    cp_ = cp;
    change_ = change;
  }
  void lower_last(int64_t diff) {
    if (pending_) change_ += diff;  // HF: transformations.last_mut() (none at the start)
  }
  void flush() {
    if (!pending_) return;
    pending_ = false;
    Align a;
    if (change_ > 0) {
      a = cur_ == 0 ? Align{0, 0} : in_[cur_ - 1].span;  // inserted: the previous byte's range
    } else {
      check(cur_ < in_.size(), ErrorCode::INTERNAL, "precompiled normalizer: alignment overrun");
      a = in_[cur_].span;
      cur_ += 1 + static_cast<size_t>(-change_);
      if (cur_ > in_.size()) cur_ = in_.size();
    }
    out_.push_back({cp_, a});
  }

 private:
  const std::vector<InputChar>& in_;
  std::vector<InputChar>& out_;
  size_t cur_ = 0;  // next input character not yet consumed
  bool pending_ = false;
  uint32_t cp_ = 0;
  int64_t change_ = 0;
};

// HF's replace(): `old_count` characters become `norm`.
void replace(Transformer& t, size_t old_count, std::string_view norm) {
  size_t new_count = 0;
  for (size_t i = 0; i < norm.size();) {
    uint32_t cp;
    i += decode_utf8(norm.data(), norm.size(), i, cp);  // validated at load
    t.push(cp, new_count >= old_count ? 1 : 0);         // the last new - old are insertions
    ++new_count;
  }
  if (new_count < old_count) t.lower_last(static_cast<int64_t>(new_count) - int64_t(old_count));
}

}  // namespace

std::string decode_base64(std::string_view b64, const std::string& what) {
  std::string out;
  out.reserve(b64.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < b64.size() && b64[i] != '='; ++i) {
    const int v = base64_value(b64[i]);
    check(v >= 0, ErrorCode::CORRUPT_FILE, what, ": invalid base64 character at position ", i);
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  const size_t data_end = i;
  for (; i < b64.size(); ++i) {
    check(b64[i] == '=', ErrorCode::CORRUPT_FILE, what, ": invalid base64 character at position ",
          i, " (after padding)");
  }
  check(b64.size() % 4 == 0 && data_end % 4 != 1, ErrorCode::CORRUPT_FILE, what,
        ": invalid base64 length ", b64.size());
  return out;
}

std::string encode_base64(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

PrecompiledNormalizer PrecompiledNormalizer::from_base64(std::string_view b64,
                                                         const std::string& what) {
  return from_bytes(decode_base64(b64, what), what);
}

PrecompiledNormalizer PrecompiledNormalizer::from_bytes(std::string_view blob,
                                                        const std::string& what) {
  check(blob.size() >= 4, ErrorCode::CORRUPT_FILE, what, ": truncated (", blob.size(),
        " bytes, no trie size)");
  uint32_t trie_size = 0;
  for (int k = 3; k >= 0; --k) trie_size = (trie_size << 8) | static_cast<uint8_t>(blob[k]);
  check(trie_size % 4 == 0 && trie_size >= 4 && trie_size <= blob.size() - 4,
        ErrorCode::CORRUPT_FILE, what, ": truncated trie (trie size ", trie_size, " bytes, ",
        blob.size() - 4, " bytes follow)");
  std::vector<uint32_t> units(trie_size / 4);
  for (size_t u = 0; u < units.size(); ++u) {
    uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<uint8_t>(blob[4 + 4 * u + k]);
    units[u] = v;
  }
  const std::string_view normalized = blob.substr(4 + trie_size);

  PrecompiledNormalizer p;
  p.units_ = std::move(units);
  p.normalized_ = std::string(normalized);
  const std::vector<uint32_t>& u = p.units_;
  // Darts-clone shares equal subtrees, so the trie is a DAG: each node (the base position of
  // its children) is checked once. Every edge must stay inside the array and every value must
  // name a valid UTF-8 replacement inside the blob; lookups then need no checks.
  std::vector<bool> seen(u.size(), false), checked_value(p.normalized_.size(), false);
  std::vector<size_t> stack{unit_offset(u[0])};
  check(stack[0] < u.size(), ErrorCode::CORRUPT_FILE, what,
        ": truncated trie (root points past its ", u.size(), " units)");
  while (!stack.empty()) {
    const size_t node = stack.back();
    stack.pop_back();
    if (seen[node]) continue;
    seen[node] = true;
    check((node | 0xFF) < u.size(), ErrorCode::CORRUPT_FILE, what, ": truncated trie (node ", node,
          " has children past its ", u.size(), " units)");
    for (uint32_t c = 1; c <= 255; ++c) {
      const size_t pos = node ^ c;
      if (unit_label(u[pos]) != c) continue;
      const size_t next = pos ^ unit_offset(u[pos]);
      check(next < u.size(), ErrorCode::CORRUPT_FILE, what, ": truncated trie (unit ", pos,
            " points past its ", u.size(), " units)");
      if (unit_has_leaf(u[pos])) {
        const uint32_t off = unit_value(u[next]);
        check(off < p.normalized_.size(), ErrorCode::CORRUPT_FILE, what, ": replacement offset ",
              off, " is past the ", p.normalized_.size(), " bytes of replacement strings");
        if (!checked_value[off]) {
          checked_value[off] = true;
          try {
            validate_utf8(p.replacement_at(off), "replacement");
          } catch (const Error& e) {
            throw Error(ErrorCode::CORRUPT_FILE, cat(what, ": ", e.what()));
          }
        }
      }
      stack.push_back(next);
    }
  }
  // An ASCII character between ASCII characters is a grapheme of one byte, so only a key equal
  // to that byte could transform it.
  for (int b = 0; b < 128; ++b) {
    const size_t pos = unit_offset(u[0]) ^ static_cast<size_t>(b);
    const bool is_key =
        b != 0 && unit_label(u[pos]) == static_cast<uint32_t>(b) && unit_has_leaf(u[pos]);
    p.ascii_kept_[b] = b != '\r' && !is_key;
  }
  return p;
}

std::string_view PrecompiledNormalizer::replacement_at(uint32_t off) const {
  const size_t end = normalized_.find('\0', off);
  return std::string_view(normalized_)
      .substr(off, (end == std::string::npos ? normalized_.size() : end) - off);
}

// Darts' common prefix search, stopping at the first (shortest) key; keys end at NUL.
bool PrecompiledNormalizer::transform(std::string_view chunk, std::string_view& out) const {
  const std::vector<uint32_t>& u = units_;
  size_t node = unit_offset(u[0]);
  for (const char ch : chunk) {
    const uint32_t c = static_cast<uint8_t>(ch);
    if (c == 0) return false;
    const size_t pos = node ^ c;
    if (unit_label(u[pos]) != c) return false;
    node = pos ^ unit_offset(u[pos]);
    if (unit_has_leaf(u[pos])) {
      out = replacement_at(unit_value(u[node]));
      return true;
    }
  }
  return false;
}

void PrecompiledNormalizer::normalize(const std::vector<InputChar>& chars,
                                      std::vector<InputChar>& out) const {
  run(chars, out, true);
}

void PrecompiledNormalizer::normalize_reference(const std::vector<InputChar>& chars,
                                                std::vector<InputChar>& out) const {
  run(chars, out, false);
}

void PrecompiledNormalizer::run(const std::vector<InputChar>& chars, std::vector<InputChar>& out,
                                bool fast) const {
  Transformer t(chars, out);
  const size_t n = chars.size();
  std::string g, part;
  size_t k = 0;
  while (k < n) {
    const uint32_t cp = chars[k].cp;
    if (fast && cp < 128 && ascii_kept_[cp] && (k + 1 == n || chars[k + 1].cp < 128)) {
      t.push(cp, 0);
      ++k;
      continue;
    }
    // The extended grapheme cluster starting at k.
    size_t end = k + 1;
    utf8proc_int32_t state = 0;
    while (end < n && !utf8proc_grapheme_break_stateful(
                          static_cast<utf8proc_int32_t>(chars[end - 1].cp),
                          static_cast<utf8proc_int32_t>(chars[end].cp), &state)) {
      ++end;
    }
    g.clear();
    for (size_t j = k; j < end; ++j) append_utf8(g, chars[j].cp);
    std::string_view r;
    if (g.size() < 6 && transform(g, r)) {
      replace(t, end - k, r);
    } else {
      for (size_t j = k; j < end; ++j) {
        part.clear();
        append_utf8(part, chars[j].cp);
        if (transform(part, r)) {
          replace(t, 1, r);
        } else {
          t.push(chars[j].cp, 0);
        }
      }
    }
    k = end;
  }
  t.flush();
}

}  // namespace bertq::text
