// The Unigram text model (see unigram_text_model.h). One pass per stage over the characters of
// the text, each carrying the original byte range it came from:
//   decode_input -> Precompiled -> Strip -> Replace runs -> [WhitespaceSplit] -> Metaspace
//   -> words -> Unigram.
#include "text/unigram_text_model.h"

#include "core/error.h"

namespace bertq::text {

bool is_white_space(uint32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0x85) return false;
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

UnigramTextModel::UnigramTextModel(const Vocab& vocab, Unigram model, UnigramConfig cfg)
    : vocab_(vocab), model_(std::move(model)), cfg_(std::move(cfg)) {}

void UnigramTextModel::encode(std::string_view text, uint32_t base, bool replace_invalid,
                              std::vector<int32_t>& ids, Offsets& offsets) const {
  run(text, base, replace_invalid, false, ids, offsets);
}

void UnigramTextModel::encode_reference(std::string_view text, uint32_t base, bool replace_invalid,
                                        std::vector<int32_t>& ids, Offsets& offsets) const {
  run(text, base, replace_invalid, true, ids, offsets);
}

void UnigramTextModel::run(std::string_view text, uint32_t base, bool replace_invalid,
                           bool reference, std::vector<int32_t>& ids, Offsets& offsets) const {
  thread_local std::vector<InputChar> input, normalized, stream;
  thread_local AlignedText word;
  thread_local std::vector<UnigramToken> tokens;
  decode_input(text, base, replace_invalid, input);
  const std::vector<InputChar>* c = &input;
  if (cfg_.precompiled) {
    normalized.clear();
    if (reference) {
      cfg_.precompiled->normalize_reference(input, normalized);
    } else {
      cfg_.precompiled->normalize(input, normalized);
    }
    c = &normalized;
  }

  // Strip.
  size_t lo = 0, hi = c->size();
  if (cfg_.strip_left) {
    while (lo < hi && is_white_space((*c)[lo].cp)) ++lo;
  }
  if (cfg_.strip_right) {
    while (hi > lo && is_white_space((*c)[hi - 1].cp)) --hi;
  }

  // Replace " {2,}" -> content: every character of content aligned to the run's last space.
  stream.clear();
  for (size_t i = lo; i < hi;) {
    if (cfg_.space_runs && (*c)[i].cp == ' ' && i + 1 < hi && (*c)[i + 1].cp == ' ') {
      size_t j = i;
      while (j < hi && (*c)[j].cp == ' ') ++j;
      const Align a = (*c)[j - 1].span;
      const std::string& content = *cfg_.space_runs;
      for (size_t k = 0; k < content.size();) {
        uint32_t cp;
        k += decode_utf8(content.data(), content.size(), k, cp);  // validated at load
        stream.push_back({cp, a});
      }
      i = j;
    } else {
      stream.push_back((*c)[i]);
      ++i;
    }
  }

  // Words: segments the Unigram model into tokens.
  auto flush_word = [&]() {
    if (word.text.empty()) return;
    tokens.clear();
    if (reference) {
      model_.segment_reference(word.text, tokens);
    } else {
      model_.segment(word.text, tokens);
    }
    for (const UnigramToken& t : tokens) {
      ids.push_back(t.id);
      offsets.emplace_back(base + word.align[t.b].b, base + word.align[t.e - 1].e);
    }
    word.clear();
  };
  // Metaspace over stream[a, b): a whole text, or one word of WhitespaceSplit.
  const uint32_t repl = cfg_.replacement;
  auto metaspace = [&](size_t a, size_t b) {
    if (a == b) return;
    const uint32_t first = stream[a].cp == ' ' ? repl : stream[a].cp;
    // HF slices the normalized text (and each WhitespaceSplit word) out of the original, so
    // its original offset is that of its first character.
    const bool starts_at_zero = base + stream[a].span.b == 0;
    const bool prepend =
        first != repl && (cfg_.prepend == PrependScheme::ALWAYS ||
                          (cfg_.prepend == PrependScheme::FIRST && starts_at_zero));
    word.clear();
    if (prepend) word.append(repl, stream[a].span);
    for (size_t k = a; k < b; ++k) {
      const uint32_t cp = stream[k].cp == ' ' ? repl : stream[k].cp;
      if (cfg_.split && cp == repl) flush_word();
      word.append(cp, stream[k].span);
    }
    flush_word();
  };
  // The pre-tokenizer over stream[a, b).
  auto pre_tokenize = [&](size_t a, size_t b) {
    if (!cfg_.whitespace_split) {
      metaspace(a, b);
      return;
    }
    for (size_t i = a; i < b;) {
      while (i < b && is_white_space(stream[i].cp)) ++i;
      size_t j = i;
      while (j < b && !is_white_space(stream[j].cp)) ++j;
      metaspace(i, j);
      i = j;
    }
  };
  if (!cfg_.normalized_tokens.has_tokens()) {
    pre_tokenize(0, stream.size());
    return;
  }
  // Normalized added tokens: matched in the normalized text's UTF-8, mapped back to stream
  // characters (at[byte] = the character a byte belongs to; at[size] = stream.size()).
  thread_local std::string utf8;
  thread_local std::vector<uint32_t> at;
  utf8.clear();
  at.clear();
  for (size_t k = 0; k < stream.size(); ++k) {
    const size_t n0 = utf8.size();
    append_utf8(utf8, stream[k].cp);
    at.insert(at.end(), utf8.size() - n0, static_cast<uint32_t>(k));
  }
  at.push_back(static_cast<uint32_t>(stream.size()));
  cfg_.normalized_tokens.split(
      utf8, [&](size_t b, size_t e) { pre_tokenize(at[b], at[e]); },
      [&](int32_t id, size_t b, size_t e) {
        ids.push_back(id);
        offsets.emplace_back(base + stream[at[b]].span.b, base + stream[at[e] - 1].span.e);
      });
}

std::string UnigramTextModel::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& piece = vocab_.token(ids[i]);
    if (!cfg_.metaspace_decoder) {
      if (i > 0) out += ' ';
      out += piece;
      continue;
    }
    for (size_t k = 0; k < piece.size();) {
      uint32_t cp;
      const size_t n = decode_utf8(piece.data(), piece.size(), k, cp);  // pieces are valid
      if (cp != cfg_.decoder_replacement) {
        out.append(piece, k, n);
      } else if (i > 0 || cfg_.decoder_prepend == PrependScheme::NEVER) {
        out += ' ';
      }
      k += n;
    }
  }
  return out;
}

}  // namespace bertq::text
