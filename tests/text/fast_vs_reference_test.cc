// The fused fast encoder must equal the step-by-step reference pipeline (ids and offsets)
// on random texts built from hard pieces (controls, whitespace variants, punctuation,
// accents, combining marks, CJK, Hangul, emoji, U+0130, invalid bytes, long words), for all
// 16 normalizer configurations, in replace mode; in strict mode both must reject the same
// texts.
#include <gtest/gtest.h>

#include <random>

#include "common/test_util.h"
#include "core/error.h"
#include "text/fast_encoder.h"
#include "text/reference_encoder.h"
#include "text/text_test_util.h"
#include "text/vocab.h"

namespace bertq::text {
namespace {

std::string random_text(std::mt19937& rng) {
  static const char* kPieces[] = {"a",
                                  "b",
                                  "hello",
                                  "world",
                                  "movie",
                                  "un",
                                  "aff",
                                  "able",
                                  "the",
                                  "e",
                                  " ",
                                  "  ",
                                  "\t",
                                  "\n",
                                  "\r\n",
                                  "\x0B",
                                  "\x0C",
                                  "\x01",
                                  "\x7F",
                                  std::string("\0", 1).c_str(),
                                  "\xC2\x85",
                                  "\xC2\xA0",
                                  "\xE2\x80\x8B",
                                  "\xEF\xBB\xBF",
                                  "\xC2\xAD",
                                  "\xE3\x80\x80",
                                  "\xE2\x80\xA8",
                                  ",",
                                  ".",
                                  "!",
                                  "'",
                                  "-",
                                  "$",
                                  "#",
                                  "[",
                                  "]",
                                  "[SEP]",
                                  "\xC2\xBF",
                                  "\xE2\x80\x94",
                                  "\xE2\x80\x9C",
                                  "caf\xC3\xA9",
                                  "\xC3\x89",
                                  "\xCC\x81",
                                  "a\xCC\x88",
                                  "\xC4\xB0",
                                  "\xC4\xB1",
                                  "\xCE\xA3",
                                  "\xE2\x84\xAA",
                                  "\xEF\xAC\x81",
                                  "\xE5\x8C\x97",
                                  "\xE4\xBA\xAC",
                                  "\xEF\xA4\x80",
                                  "\xED\x95\x9C",
                                  "\xE3\x82\xBF",
                                  "\xF0\x9F\x98\x80",
                                  "\xF0\x9F\x91\xA8\xE2\x80\x8D",
                                  "\xEF\xBF\xBD",
                                  "\xEE\x80\x80",
                                  "\xFF",
                                  "\xC3",
                                  "\xE2\x82",
                                  "\xED\xA0\x80",
                                  "\xF0\x9F\x98"};
  const size_t kN = sizeof(kPieces) / sizeof(kPieces[0]);
  std::string s;
  const int parts = static_cast<int>(rng() % 40);
  for (int i = 0; i < parts; ++i) {
    const size_t k = rng() % kN;
    if (k == 19)
      s.push_back('\0');
    else
      s += kPieces[k];
    if (rng() % 50 == 0) s += std::string(95 + rng() % 10, 'b');  // around the 100-char limit
  }
  return s;
}

void compare(const Vocab& vocab, const char* what) {
  const WordPiece wp(vocab, {});
  std::mt19937 rng(1234);
  size_t checked = 0, rejected = 0;
  for (int c = 0; c < 16; ++c) {
    const NormalizerConfig cfg{bool(c & 1), bool(c & 2), bool(c & 4), bool(c & 8)};
    const FastEncoder fast(cfg, &wp);
    for (int i = 0; i < 400; ++i) {
      const std::string text = random_text(rng);
      std::vector<int32_t> ids_f, ids_r;
      Offsets off_f, off_r;
      fast.encode(text, 0, true, ids_f, off_f);
      reference_encode(cfg, wp, text, 0, true, ids_r, off_r);
      ASSERT_EQ(ids_f, ids_r) << what << " config " << c << " text "
                              << ::testing::PrintToString(text);
      ASSERT_EQ(off_f, off_r) << what << " config " << c << " text "
                              << ::testing::PrintToString(text);
      bool fast_threw = false, ref_threw = false;
      ids_f.clear(), ids_r.clear(), off_f.clear(), off_r.clear();
      try {
        fast.encode(text, 0, false, ids_f, off_f);
      } catch (const Error&) {
        fast_threw = true;
      }
      try {
        reference_encode(cfg, wp, text, 0, false, ids_r, off_r);
      } catch (const Error&) {
        ref_threw = true;
      }
      ASSERT_EQ(fast_threw, ref_threw) << ::testing::PrintToString(text);
      rejected += fast_threw;
      ++checked;
    }
  }
  EXPECT_GT(rejected, 0u);  // the generator does produce invalid UTF-8
  EXPECT_LT(rejected, checked);
}

TEST(FastVsReference, SmallVocabulary) {
  compare(Vocab::from_tokens(testing::small_vocab()), "small vocab");
}

TEST(FastVsReference, BertBaseUncasedVocabulary) {
  BERTQ_REQUIRE_SHARED(path, "data/bert-base-uncased/vocab.txt");
  compare(Vocab::from_file(path), "bert-base-uncased");
}

}  // namespace
}  // namespace bertq::text
