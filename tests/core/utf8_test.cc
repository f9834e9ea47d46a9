// UTF-8 decoding: valid sequences of every length, each class of invalid sequence (error
// names the byte offset), and replacement of maximal invalid subparts.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/utf8.h"

namespace bertq {
namespace {

TEST(Utf8, DecodesEveryLength) {
  const std::string s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";  // a é 中 😀
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    const size_t n = decode_utf8(s.data(), s.size(), i, cp);
    ASSERT_GT(n, 0u) << "at " << i;
    cps.push_back(cp);
    i += n;
  }
  EXPECT_EQ(cps, (std::vector<uint32_t>{'a', 0xE9, 0x4E2D, 0x1F600}));
  for (uint32_t cp : cps) {
    std::string enc;
    append_utf8(enc, cp);
    uint32_t back;
    EXPECT_EQ(decode_utf8(enc.data(), enc.size(), 0, back), enc.size());
    EXPECT_EQ(back, cp);
  }
}

TEST(Utf8, RejectsInvalidSequences) {
  const char* bad[] = {"\x80",
                       "\xC0\xAF",
                       "\xC1\xBF",
                       "\xE0\x80\xAF",
                       "\xED\xA0\x80" /*surrogate*/,
                       "\xF4\x90\x80\x80" /*>10FFFF*/,
                       "\xF5\x80\x80\x80",
                       "\xE4\xB8",
                       "\xFF"};
  for (const char* b : bad) {
    uint32_t cp;
    const std::string s(b);
    EXPECT_EQ(decode_utf8(s.data(), s.size(), 0, cp), 0u) << "bytes of length " << s.size();
  }
}

TEST(Utf8, ErrorNamesByteOffset) {
  try {
    validate_utf8(std::string("abc\xC3(de"), "line 7");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("line 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("byte offset 3"), std::string::npos) << e.what();
  }
}

TEST(Utf8, ReplacesMaximalSubparts) {
  // "\xE2\x82" is a truncated 3-byte sequence: one U+FFFD, then 'a'; "\xFF" alone: one U+FFFD.
  EXPECT_EQ(replace_invalid_utf8("x\xE2\x82"
                                 "a\xFFy"),
            "x\xEF\xBF\xBD"
            "a\xEF\xBF\xBDy");
  EXPECT_EQ(replace_invalid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
}

TEST(Utf8, ValidityAndLength) {
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ab\xC3\xA9\xFF"), 4u);
  EXPECT_EQ(first_invalid_utf8("ab"), std::string_view::npos);
  EXPECT_EQ(utf8_length("h\xC3\xA9\xF0\x9F\x98\x80"), 3u);
}

}  // namespace
}  // namespace bertq
