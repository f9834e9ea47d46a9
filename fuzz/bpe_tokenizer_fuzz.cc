// fuzz-libs: text core
// Fuzz target for the byte-level BPE text model: encodes arbitrary bytes (the first byte picks
// add_prefix_space and use_regex) in replace mode, which must never throw, and in strict mode,
// which may throw only bertq::Error; checks that the fast path (split_gpt2, heap merges,
// per-thread cache) equals the step-by-step reference (split_gpt2_reference,
// tokenize_reference, no cache), that offsets stay inside the text and never decrease, and that
// decoding the ids gives back the text (replace mode: with U+FFFD for invalid bytes).
// The model: the 256 byte characters plus merges that compete for the same bytes.
//   scripts/fuzz.sh bpe_tokenizer_fuzz 60
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/utf8.h"
#include "text/bpe_text_model.h"
#include "text/byte_level.h"

namespace {

using namespace bertq;

struct State {
  text::Vocab vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  State() {
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b) {
      std::string c;
      append_utf8(c, text::byte_to_codepoint(static_cast<uint8_t>(b)));
      tokens.push_back(c);
    }
    merges = {{"Ġ", "t"},  {"h", "e"}, {"Ġt", "he"}, {"a", "a"}, {"aa", "a"}, {"aa", "aa"},
              {"Ã", "©"},  {"Ġ", "Ġ"}, {"ĠĠ", "Ġ"},  {"Ċ", "Ċ"}, {"'", "s"},  {"Ġ", "a"},
              {"Ġa", "a"}, {"ä", "¸"}, {"ä¸", "Ń"},  {"ð", "Ł"}, {"ðŁ", "ĺ"}, {"e", "Ġ"}};
    for (const auto& [l, r] : merges) tokens.push_back(l + r);
    vocab = text::Vocab::from_tokens(tokens);  // duplicates keep the later id, as HF's map
  }
};

const State& state() {
  static const State s;
  return s;
}

void fail(const char* what) {
  std::fprintf(stderr, "bpe_tokenizer_fuzz: invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const State& s = state();
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const text::BpeTextModel models[4] = {
      {s.vocab, text::Bpe(s.vocab, s.merges, {}, "merges"), {false, true}},
      {s.vocab, text::Bpe(s.vocab, s.merges, {}, "merges"), {true, true}},
      {s.vocab, text::Bpe(s.vocab, s.merges, {}, "merges"), {false, false}},
      {s.vocab, text::Bpe(s.vocab, s.merges, {}, "merges"), {true, false}}};
  const text::BpeTextModel& model = models[flags & 3];
  const uint32_t base = flags >> 2;

  std::vector<int32_t> ids, rids;
  text::Offsets off, roff;
  try {
    model.encode(input, base, true, ids, off);
    model.encode_reference(input, base, true, rids, roff);
  } catch (const bertq::Error& err) {
    std::fprintf(stderr, "%s\n", err.what());
    fail("replace mode threw");
  }
  if (ids != rids || off != roff) fail("fast path differs from the reference");
  if (off.size() != ids.size()) fail("offsets length");
  uint32_t last = base;
  for (const auto& [b, e] : off) {
    if (b > e || b < base || e > base + input.size()) fail("offset outside the text");
    if (b < last) fail("offsets decrease");
    last = b;
  }
  std::string want = replace_invalid_utf8(input);
  if ((flags & 1) && !want.empty() && want[0] != ' ') want.insert(want.begin(), ' ');
  if (model.decode(ids) != want) fail("decode does not give back the text");

  try {
    std::vector<int32_t> strict;
    text::Offsets soff;
    model.encode(input, base, false, strict, soff);
    if (strict != ids || soff != off) fail("strict and replace modes differ on valid UTF-8");
  } catch (const bertq::Error&) {
    // invalid UTF-8: the expected error
  }
  return 0;
}
