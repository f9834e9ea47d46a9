// fuzz-libs: text core
// Fuzz target for the normalizer + tokenizer: encodes arbitrary bytes (the first byte picks
// options) in replace mode, which must never throw, and in strict mode, which may throw only
// bertq::Error; checks invariants (ids inside the vocabulary, [CLS] ... [SEP] framing,
// offsets inside the text and non-decreasing, masks and type ids the same length as ids),
// that the fused fast path equals the reference pipeline, and that decode does not fail.
// Uses ../shared's bert-base-uncased vocab.txt when present, else a small vocabulary.
//   scripts/fuzz.sh tokenizer_fuzz 60
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "text/fast_encoder.h"
#include "text/reference_encoder.h"
#include "text/tokenizer.h"
#include "text/vocab.h"

namespace {

using namespace bertq;

std::string vocab_path() {
  const char* env = std::getenv("BERTQ_SHARED");
  for (std::string dir : {std::string(env ? env : ""), std::string("../shared"),
                          std::string("../../shared"), std::string("../../../shared")}) {
    if (dir.empty()) continue;
    const std::string p = dir + "/data/bert-base-uncased/vocab.txt";
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

struct State {
  std::vector<std::string> tokens;
  text::Tokenizer uncased, cased;
  text::Vocab vocab;
  text::WordPiece wp;
  explicit State(std::vector<std::string> t)
      : tokens(t),
        uncased(text::Tokenizer::from_tokens(t, true)),
        cased(text::Tokenizer::from_tokens(t, false)),
        vocab(text::Vocab::from_tokens(t)),
        wp(vocab, {}) {}
};

const State& state() {
  static const State s = [] {
    const std::string p = vocab_path();
    if (!p.empty()) return State(text::Vocab::from_file(p).tokens());
    return State({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b",   "##a", "##b", "the",
                  "movie", "##s",   ",",     ".",     "!",      "e", "##e", "北",  "i",   "##̇"});
  }();
  return s;
}

void fail(const char* what) {
  std::fprintf(stderr, "tokenizer_fuzz: invariant violated: %s\n", what);
  std::abort();
}

void check_encoding(const text::Tokenizer& tok, const text::Encoding& e, size_t text_size,
                    bool specials) {
  if (e.type_ids.size() != e.ids.size() || e.attention_mask.size() != e.ids.size()) fail("lengths");
  if (e.offsets.size() != e.ids.size()) fail("offsets length");
  for (int32_t id : e.ids)
    if (id < 0 || static_cast<size_t>(id) >= tok.vocab_size()) fail("id out of range");
  if (specials &&
      (e.ids.size() < 2 || e.ids.front() != tok.cls_id() || e.ids.back() != tok.sep_id())) {
    fail("[CLS] ... [SEP] framing");
  }
  uint32_t last = 0;
  for (size_t i = 0; i < e.offsets.size(); ++i) {
    const auto [b, en] = e.offsets[i];
    if (b > en || en > text_size) fail("offset outside the text");
    if (specials && (i == 0 || i + 1 == e.offsets.size())) continue;
    if (b < last) fail("offsets decrease");
    last = b;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const State& s = state();
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const text::Tokenizer& tok = (flags & 1) ? s.cased : s.uncased;
  text::EncodeOptions o;
  o.return_offsets = true;
  o.add_special_tokens = (flags & 2) == 0;
  if (flags & 4) {
    o.max_length = 3 + (flags >> 4);
    o.truncation = static_cast<text::Truncation>((flags >> 3) & 1 ? 2 : 1);
    o.head_tokens = flags >> 5;
  }

  o.replace_invalid_utf8 = true;
  text::Encoding e;
  try {
    e = tok.encode(input, o);
  } catch (const bertq::Error& err) {
    std::fprintf(stderr, "%s\n", err.what());
    fail("replace mode threw");
  }
  check_encoding(tok, e, input.size(), o.add_special_tokens);
  if (o.max_length > 0 && e.ids.size() > static_cast<size_t>(o.max_length))
    fail("longer than max_length");
  (void)tok.decode(e.ids);

  o.replace_invalid_utf8 = false;
  try {
    const text::Encoding strict = tok.encode(input, o);
    check_encoding(tok, strict, input.size(), o.add_special_tokens);
    if (strict.ids != e.ids) fail("strict and replace modes differ on valid UTF-8");
  } catch (const bertq::Error&) {
    // invalid UTF-8: the expected error
  }

  // Fast path == reference pipeline (uncased configuration, replace mode).
  std::vector<int32_t> ids_f, ids_r;
  text::Offsets off_f, off_r;
  const text::NormalizerConfig cfg{true, true, (flags & 1) == 0, (flags & 1) == 0};
  text::FastEncoder(cfg, &s.wp).encode(input, 0, true, ids_f, off_f);
  text::reference_encode(cfg, s.wp, input, 0, true, ids_r, off_r);
  if (ids_f != ids_r || off_f != off_r) fail("fast path differs from the reference pipeline");
  return 0;
}
