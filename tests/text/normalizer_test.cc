// BertNormalizer rules, one at a time, for the uncased (bert-base-uncased) and cased configs.
#include <gtest/gtest.h>

#include "core/error.h"
#include "text/char_class.h"
#include "text/normalizer.h"

namespace bertq::text {
namespace {

const NormalizerConfig kUncased{};
const NormalizerConfig kCased{true, true, false, false};

TEST(Normalizer, CleanTextDropsControlsAndMapsWhitespace) {
  EXPECT_EQ(normalize(kUncased, std::string("a\0b", 3)).text, "ab");
  EXPECT_EQ(normalize(kUncased,
                      "a\xEF\xBF\xBD"
                      "b")
                .text,
            "ab");  // U+FFFD
  EXPECT_EQ(normalize(kUncased,
                      "a\x01\x7F"
                      "b")
                .text,
            "ab");  // Cc
  EXPECT_EQ(normalize(kUncased,
                      "a\xE2\x80\x8B"
                      "b\xC2\xAD"
                      "c")
                .text,
            "abc");  // ZWSP, soft hyphen (Cf)
  EXPECT_EQ(normalize(kUncased,
                      "a\xC2\x85"
                      "b")
                .text,
            "ab");  // U+0085 is Cc: dropped
  EXPECT_EQ(normalize(kUncased, "a\tb\nc\rd").text, "a b c d");
  EXPECT_EQ(normalize(kUncased,
                      "a\xC2\xA0"
                      "b\xE3\x80\x80"
                      "c\xE2\x80\xA8"
                      "d")
                .text,
            "a b c d");  // NBSP, ideographic space, LS
  EXPECT_EQ(normalize(kUncased,
                      "a\x0B"
                      "b")
                .text,
            "ab");  // VT is Cc, not kept as whitespace
}

TEST(Normalizer, SpacesAroundChineseCharacters) {
  EXPECT_EQ(normalize(kUncased, "ab北京c").text, "ab 北  京 c");
  EXPECT_EQ(normalize(kUncased, "タワー").text, "タワー");  // katakana is not a CJK ideograph
  NormalizerConfig off = kUncased;
  off.handle_chinese_chars = false;
  EXPECT_EQ(normalize(off, "ab北京c").text, "ab北京c");
  EXPECT_TRUE(is_chinese_char(0x4E2D));
  EXPECT_TRUE(is_chinese_char(0x2B920));
  EXPECT_FALSE(is_chinese_char(0x2B820));  // HF's range starts at 0x2B920
}

TEST(Normalizer, StripAccentsAndLowercase) {
  EXPECT_EQ(normalize(kUncased, "Café NAÏVE Ångström").text, "cafe naive angstrom");
  EXPECT_EQ(normalize(kUncased, "ạ̈").text, "a");        // precomposed + combining mark
  EXPECT_EQ(normalize(kUncased, "\xCC\x81").text, "");  // lone combining acute (Mn)
  EXPECT_EQ(normalize(kUncased, "İ").text, "i");        // NFD first: I + U+0307, mark dropped
  EXPECT_EQ(normalize(kUncased, "한").text, "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB");  // Hangul NFD
  EXPECT_EQ(normalize(kUncased, "ﬁ").text, "ﬁ");      // compatibility forms are not decomposed
  EXPECT_EQ(normalize(kUncased, "ΣΑΣ").text, "σασ");  // no final-sigma rule
  EXPECT_EQ(normalize(kUncased, "\xE2\x84\xAA").text, "k");  // Kelvin sign
}

TEST(Normalizer, LowercaseWithoutStripAccentsUsesFullMapping) {
  NormalizerConfig lower_only = kUncased;
  lower_only.strip_accents = false;
  EXPECT_EQ(normalize(lower_only, "İ").text, "i\xCC\x87");  // Rust: 'İ'.to_lowercase() == "i̇"
  EXPECT_EQ(normalize(lower_only, "Café").text, "café");
}

TEST(Normalizer, CasedKeepsCaseAndAccents) {
  EXPECT_EQ(normalize(kCased, "Café İ\tX").text, "Café İ X");
}

TEST(Normalizer, OffsetsPointAtOriginalCharacters) {
  const auto n = normalize(kUncased, "É\x01x");
  ASSERT_EQ(n.text, "ex");
  EXPECT_EQ(n.orig_begin, (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(n.orig_end, (std::vector<uint32_t>{2, 4}));
}

TEST(Normalizer, InvalidUtf8) {
  try {
    normalize(kUncased, "ab\xFF");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(normalize(kUncased,
                      "ab\xFF"
                      "c",
                      true)
                .text,
            "abc");  // U+FFFD, then dropped
  EXPECT_EQ(normalize({false, true, true, true}, "a\xFF", true).text, "a\xEF\xBF\xBD");
}

TEST(CharClass, PunctuationAndWhitespace) {
  for (char c : std::string("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
    EXPECT_TRUE(is_punctuation(uint8_t(c))) << c;
  for (uint32_t cp : {0xA1u, 0xBFu, 0x2014u, 0x201Cu, 0x3001u, 0xFF01u})
    EXPECT_TRUE(is_punctuation(cp)) << cp;
  for (uint32_t cp : {uint32_t('a'), uint32_t('0'), 0xE9u, 0x4E2Du, 0x20ACu /*Sc*/})
    EXPECT_FALSE(is_punctuation(cp)) << cp;
  for (uint32_t cp : {0x20u, 0x09u, 0x0Bu, 0x85u, 0xA0u, 0x2003u, 0x2028u, 0x3000u})
    EXPECT_TRUE(is_whitespace(cp)) << cp;
  for (uint32_t cp : {0x200Bu, 0xFEFFu, uint32_t('a')}) EXPECT_FALSE(is_whitespace(cp)) << cp;
  EXPECT_TRUE(is_control(0xE000));  // private use (Co) counts as control
  EXPECT_FALSE(is_control('\n'));
}

}  // namespace
}  // namespace bertq::text
