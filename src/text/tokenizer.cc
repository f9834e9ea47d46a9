// Encoding, batching, padding and decoding (see tokenizer.h). Loading and saving are in
// tokenizer_io.cc.
//
// encode(): content tokens of the text (added tokens + fast encoder), then truncation to
// max_length minus the template's special tokens, then the template. Overflow windows repeat
// the template around each window of content tokens.
#include "text/tokenizer.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "core/thread_pool.h"
#include "text/offset_trim.h"
#include "text/tokenizer_impl.h"
#include "text/wordpiece_text_model.h"

namespace bertq::text {
namespace {

// Content tokens of one sequence (before truncation and special tokens); spaces: each token's
// edge_spaces when the post-processor trims offsets (offset_trim.h), else empty.
struct Content {
  std::vector<int32_t> ids;
  Offsets offsets;
  std::vector<uint32_t> spaces;
  std::string_view text;  // what the offsets point into
};

Content content_tokens(const Tokenizer::Impl& m, std::string_view text, bool replace_invalid) {
  check(text.size() < std::numeric_limits<uint32_t>::max(), ErrorCode::INVALID_ARGUMENT, "text of ",
        text.size(), " bytes: texts are limited to 4 GiB");
  Content c;
  c.text = text;
  c.ids.reserve(text.size() / 4 + 4);
  c.offsets.reserve(text.size() / 4 + 4);
  const bool trim = m.post.trim_offsets;
  const auto on_text = [&](size_t b, size_t e) {
    const size_t first = c.ids.size();
    m.model->encode(text.substr(b, e - b), static_cast<uint32_t>(b), replace_invalid, c.ids,
                    c.offsets);
    if (trim) {
      for (size_t i = first; i < c.ids.size(); ++i) {
        c.spaces.push_back(m.token_spaces[static_cast<size_t>(c.ids[i])]);
      }
    }
  };
  const auto on_token = [&](int32_t id, size_t b, size_t e) {
    c.ids.push_back(id);
    c.offsets.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    // HF trims an added token by the text it matched (with lstrip / rstrip whitespace).
    if (trim) c.spaces.push_back(edge_spaces(text.substr(b, e - b)));
  };
  if (m.normalized_tokens_in_model) {
    m.added.split_raw(text, on_text, on_token);
  } else {
    m.added.split(text, on_text, on_token);
  }
  return c;
}

// Copies the first `head` and last `tail` tokens of c.
Content keep(const Content& c, KeepRange r) {
  Content out;
  out.text = c.text;
  out.ids.assign(c.ids.begin(), c.ids.begin() + r.head);
  out.ids.insert(out.ids.end(), c.ids.end() - r.tail, c.ids.end());
  out.offsets.assign(c.offsets.begin(), c.offsets.begin() + r.head);
  out.offsets.insert(out.offsets.end(), c.offsets.end() - r.tail, c.offsets.end());
  if (!c.spaces.empty()) {
    out.spaces.assign(c.spaces.begin(), c.spaces.begin() + r.head);
    out.spaces.insert(out.spaces.end(), c.spaces.end() - r.tail, c.spaces.end());
  }
  return out;
}

Content slice(const Content& c, size_t b, size_t e) {
  Content out;
  out.text = c.text;
  out.ids.assign(c.ids.begin() + b, c.ids.begin() + e);
  out.offsets.assign(c.offsets.begin() + b, c.offsets.begin() + e);
  if (!c.spaces.empty()) out.spaces.assign(c.spaces.begin() + b, c.spaces.begin() + e);
  return out;
}

// Applies the template (or none) to one or two content sequences.
Encoding assemble(const Tokenizer::Impl& m, const Content& a, const Content* b,
                  const EncodeOptions& o) {
  Encoding e;
  const auto& items = b ? m.post.pair : m.post.single;
  const size_t n =
      a.ids.size() + (b ? b->ids.size() : 0) + (o.add_special_tokens ? m.post.added(b) : 0);
  e.ids.reserve(n);
  e.type_ids.reserve(n);
  if (o.return_offsets) e.offsets.reserve(n);
  auto add_seq = [&](const Content& c, int type_id) {
    e.ids.insert(e.ids.end(), c.ids.begin(), c.ids.end());
    e.type_ids.insert(e.type_ids.end(), c.ids.size(), type_id);
    if (o.return_offsets) {
      const size_t at = e.offsets.size();
      e.offsets.insert(e.offsets.end(), c.offsets.begin(), c.offsets.end());
      if (m.post.trim_offsets) {
        trim_offsets(c.text, c.spaces.data(), e.offsets.data() + at, c.offsets.size(),
                     m.post.trim_add_prefix_space);
      }
    }
  };
  if (!o.add_special_tokens) {
    add_seq(a, 0);
    if (b) add_seq(*b, 1);
  } else {
    for (const TemplateItem& it : items) {
      if (it.sequence == 0) {
        add_seq(a, it.type_id);
      } else if (it.sequence == 1) {
        add_seq(*b, it.type_id);
      } else {
        e.ids.insert(e.ids.end(), it.ids.begin(), it.ids.end());
        e.type_ids.insert(e.type_ids.end(), it.ids.size(), it.type_id);
        if (o.return_offsets) e.offsets.insert(e.offsets.end(), it.ids.size(), {0u, 0u});
      }
    }
  }
  e.attention_mask.assign(e.ids.size(), 1);
  return e;
}

// Content-token budget for max_length, or SIZE_MAX without truncation.
size_t budget_for(const Tokenizer::Impl& m, const EncodeOptions& o, bool pair) {
  check(o.max_length >= 0, ErrorCode::INVALID_ARGUMENT, "max_length must be >= 0, got ",
        o.max_length);
  if (o.max_length == 0) return std::numeric_limits<size_t>::max();
  const size_t specials = o.add_special_tokens ? m.post.added(pair) : 0;
  check(static_cast<size_t>(o.max_length) > specials, ErrorCode::INVALID_ARGUMENT, "max_length ",
        o.max_length, " leaves no room for text after ", specials, " special tokens");
  return static_cast<size_t>(o.max_length) - specials;
}

}  // namespace

std::string_view tokenizer_kind_name(TokenizerKind k) {
  switch (k) {
    case TokenizerKind::WORDPIECE:
      return "WordPiece";
    case TokenizerKind::BPE:
      return "BPE";
    case TokenizerKind::UNIGRAM:
      return "Unigram";
  }
  return "?";
}

void Tokenizer::Impl::finish() {
  if (kind == TokenizerKind::WORDPIECE) {
    model = std::make_unique<WordPieceTextModel>(vocab, norm, wp_cfg, decoder_cleanup);
  }
  check(model != nullptr, ErrorCode::INTERNAL, source, ": no text model for a ",
        tokenizer_kind_name(kind), " tokenizer");
  unk = model->unk_id();
  token_spaces.clear();
  if (post.trim_offsets) {
    token_spaces.reserve(vocab.size());
    for (const std::string& t : vocab.tokens()) token_spaces.push_back(edge_spaces(t));
  }
  cls = vocab.find(cls_token);
  sep = vocab.find(sep_token);
  pad = vocab.find(pad_token);
  mask = vocab.find(mask_token);
}

Encoding Tokenizer::encode(std::string_view text, const EncodeOptions& o) const {
  const Impl& m = *impl_;
  const Content a = content_tokens(m, text, o.replace_invalid_utf8);
  const size_t budget = budget_for(m, o, false);
  if (o.return_overflow && o.max_length > 0) {
    check(o.truncation == Truncation::HEAD || o.truncation == Truncation::TAIL ||
              o.truncation == Truncation::LONGEST_FIRST,
          ErrorCode::INVALID_ARGUMENT, "overflow windows need truncation head or tail, not ",
          truncation_name(o.truncation));
    check(o.stride >= 0, ErrorCode::INVALID_ARGUMENT, "stride must be >= 0, got ", o.stride);
    const auto windows = overflow_windows(a.ids.size(), budget, static_cast<size_t>(o.stride),
                                          o.truncation == Truncation::TAIL);
    Encoding first = assemble(m, slice(a, windows[0].first, windows[0].second), nullptr, o);
    for (size_t w = 1; w < windows.size(); ++w) {
      first.overflow.push_back(
          assemble(m, slice(a, windows[w].first, windows[w].second), nullptr, o));
    }
    return first;
  }
  if (a.ids.size() <= budget) return assemble(m, a, nullptr, o);
  return assemble(m, keep(a, truncate_single(a.ids.size(), budget, o.truncation, o.head_tokens)),
                  nullptr, o);
}

Encoding Tokenizer::encode_pair(std::string_view text_a, std::string_view text_b,
                                const EncodeOptions& o) const {
  const Impl& m = *impl_;
  check(!o.return_overflow, ErrorCode::UNSUPPORTED,
        "encode_pair: overflow windows are supported for single texts only");
  const Content a = content_tokens(m, text_a, o.replace_invalid_utf8);
  const Content b = content_tokens(m, text_b, o.replace_invalid_utf8);
  const size_t budget = budget_for(m, o, true);
  if (a.ids.size() + b.ids.size() <= budget) return assemble(m, a, &b, o);
  const auto [la, lb] = longest_first_lengths(a.ids.size(), b.ids.size(), budget);
  const Content ta = keep(a, truncate_single(a.ids.size(), la, o.truncation, o.head_tokens));
  const Content tb = keep(b, truncate_single(b.ids.size(), lb, o.truncation, o.head_tokens));
  return assemble(m, ta, &tb, o);
}

namespace {

// Encodes texts[i] into out[i] for i in [b, e), naming the text in errors.
void encode_range(const Tokenizer& tok, const std::vector<std::string>& texts,
                  const EncodeOptions& o, std::vector<Encoding>& out, size_t b, size_t e) {
  for (size_t i = b; i < e; ++i) {
    try {
      out[i] = tok.encode(texts[i], o);
    } catch (const Error& err) {
      rethrow_with_context(err, cat("text ", i));
    }
  }
}

}  // namespace

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              const EncodeOptions& o, int threads) const {
  if (threads <= 0) threads = default_num_threads();
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), texts.size()));
  if (threads <= 1) {
    std::vector<Encoding> out(texts.size());
    encode_range(*this, texts, o, out, 0, texts.size());
    return out;
  }
  ThreadPool pool(threads);
  return encode_batch(texts, o, pool);
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              const EncodeOptions& o, ThreadPool& pool) const {
  std::vector<Encoding> out(texts.size());
  const size_t grain = std::max<size_t>(1, texts.size() / (size_t(pool.num_threads()) * 16));
  pool.parallel_for(
      texts.size(), [&](size_t b, size_t e) { encode_range(*this, texts, o, out, b, e); }, grain);
  return out;
}

std::vector<std::string> Tokenizer::tokens(const std::vector<int32_t>& ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int32_t id : ids) {
    check(id >= 0 && static_cast<size_t>(id) < impl_->vocab.size(), ErrorCode::INVALID_ARGUMENT,
          "token id ", id, " is outside the vocabulary of ", impl_->vocab.size());
    out.push_back(impl_->vocab.token(id));
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  const Impl& m = *impl_;
  std::vector<int32_t> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    check(id >= 0 && static_cast<size_t>(id) < m.vocab.size(), ErrorCode::INVALID_ARGUMENT,
          "decode: token id ", id, " is outside the vocabulary of ", m.vocab.size());
    if (skip_special_tokens && m.added.is_special(id)) continue;
    kept.push_back(id);
  }
  return m.model->decode(kept);
}

int32_t Tokenizer::token_id(std::string_view token) const {
  return impl_->vocab.find(token);
}
int32_t Tokenizer::pad_id() const {
  return impl_->pad >= 0 ? impl_->pad : 0;
}
int32_t Tokenizer::cls_id() const {
  return impl_->cls;
}
int32_t Tokenizer::sep_id() const {
  return impl_->sep;
}
int32_t Tokenizer::unk_id() const {
  return impl_->unk;
}
int32_t Tokenizer::mask_id() const {
  return impl_->mask;
}
size_t Tokenizer::vocab_size() const {
  return impl_->vocab.size();
}
TokenizerKind Tokenizer::kind() const {
  return impl_->kind;
}
size_t Tokenizer::num_special_tokens(bool pair) const {
  return impl_->post.added(pair);
}
int Tokenizer::model_max_length() const {
  return impl_->model_max_length;
}

void pad_batch(std::vector<Encoding>& batch, int32_t pad_id, int length) {
  size_t target = 0;
  for (const auto& e : batch) target = std::max(target, e.ids.size());
  if (length > 0) {
    check(target <= static_cast<size_t>(length), ErrorCode::INVALID_ARGUMENT,
          "pad_batch: an encoding has ", target, " tokens, more than the padding length ", length);
    target = static_cast<size_t>(length);
  }
  for (auto& e : batch) {
    const bool offsets = !e.offsets.empty() || e.ids.empty();
    e.ids.resize(target, pad_id);
    e.type_ids.resize(target, 0);
    e.attention_mask.resize(target, 0);
    if (offsets) e.offsets.resize(target, {0u, 0u});
  }
}

}  // namespace bertq::text
