// The Precompiled normalizer: base64, the Darts-clone trie format (a hand-built one-key trie
// and its corruptions), HF's (char, change) alignment rules including its deletion quirk, and
// the ASCII fast path against the reference on random strings (hand-built and real charsmaps).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "core/error.h"
#include "text/precompiled_normalizer.h"
#include "text/tokenizer_json.h"
#include "unigram_test_util.h"

namespace bertq::text {
namespace {

TEST(Base64, DecodesRfc4648VectorsAndNamesBadCharacters) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"}, {"Zm9vYmFy", "foobar"}};
  for (const auto& [enc, dec] : vectors) EXPECT_EQ(decode_base64(enc, "x"), dec) << enc;
  for (const auto& [bad, what] : std::vector<std::pair<std::string, std::string>>{
           {"Zm9*", "invalid base64 character at position 3"},
           {"Zg==Zg==", "invalid base64 character at position 4 (after padding)"},
           {"Zm9", "invalid base64 length 3"},
           {"Z===", "invalid base64 length"}}) {
    try {
      decode_base64(bad, "field");
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE);
      EXPECT_NE(std::string(e.what()).find("field: " + what), std::string::npos) << e.what();
    }
  }
}

// A Darts-clone double array with the one key "a" (root base 256, the child 'a' at 256 ^ 'a',
// its value unit at 512), followed by the replacement strings.
std::string one_key_blob(const std::string& replacements, uint32_t value = 0,
                         uint32_t child_base = 512) {
  std::vector<uint32_t> units(768, 0);
  units[0] = 256u << 10;
  const uint32_t pos = 256 ^ 'a';
  units[pos] = ((pos ^ child_base) << 10) | (1u << 8) | 'a';
  if (child_base < units.size()) units[child_base] = (1u << 31) | value;
  std::string blob(4, '\0');
  const uint32_t size = static_cast<uint32_t>(units.size() * 4);
  for (int k = 0; k < 4; ++k) blob[k] = static_cast<char>((size >> (8 * k)) & 0xFF);
  for (uint32_t u : units)
    for (int k = 0; k < 4; ++k) blob.push_back(static_cast<char>((u >> (8 * k)) & 0xFF));
  return blob + replacements;
}

std::vector<InputChar> chars_of(std::string_view s) {
  std::vector<InputChar> c;
  decode_input(s, 0, false, c);
  return c;
}

std::string text_of(const std::vector<InputChar>& c) {
  std::string s;
  for (const auto& ch : c) append_utf8(s, ch.cp);
  return s;
}

TEST(PrecompiledNormalizer, HandBuiltTrieReplacesExpandsAndDeletes) {
  const auto p = PrecompiledNormalizer::from_bytes(one_key_blob(std::string("bc\0", 3)), "blob");
  std::string_view r;
  ASSERT_TRUE(p.transform("a", r));
  EXPECT_EQ(r, "bc");
  EXPECT_TRUE(p.transform("ay", r));  // a prefix of the chunk
  EXPECT_FALSE(p.transform("x", r));
  std::vector<InputChar> out;
  p.normalize(chars_of("xay"), out);
  EXPECT_EQ(text_of(out), "xbcy");
  // b replaces a (its range); c is inserted, aligned like the byte before it: a's range too.
  const std::vector<std::pair<uint32_t, uint32_t>> want = {{0, 1}, {1, 2}, {1, 2}, {2, 3}};
  ASSERT_EQ(out.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(out[i].span.b, want[i].first) << i;
    EXPECT_EQ(out[i].span.e, want[i].second) << i;
  }

  const auto del = PrecompiledNormalizer::from_bytes(one_key_blob(std::string("\0", 1)), "blob");
  out.clear();
  del.normalize(chars_of("xay"), out);  // x's entry absorbs the deletion: y keeps its range
  ASSERT_EQ(text_of(out), "xy");
  EXPECT_EQ(out[1].span.b, 2u);
  out.clear();
  // At the start there is no entry to absorb it (HF's quirk): y takes the range of the deleted
  // a, the first unconsumed character.
  del.normalize(chars_of("ay"), out);
  ASSERT_EQ(text_of(out), "y");
  EXPECT_EQ(out[0].span.b, 0u);
  EXPECT_EQ(out[0].span.e, 1u);
}

TEST(PrecompiledNormalizer, CorruptBlobsAreRefused) {
  const std::string good(std::string("b\0", 2));
  for (const auto& [blob, what] : std::vector<std::pair<std::string, std::string>>{
           {std::string("\x01\x02", 2), "truncated (2 bytes, no trie size)"},
           {one_key_blob(good).substr(0, 1000), "truncated trie"},
           {one_key_blob(good, 99), "replacement offset 99"},
           {one_key_blob(good, 0, 4096), "truncated trie (unit"},
           {one_key_blob(std::string("\xFF\0", 2)), "invalid UTF-8"}}) {
    try {
      PrecompiledNormalizer::from_bytes(blob, "charsmap");
      ADD_FAILURE() << what << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE);
      EXPECT_NE(std::string(e.what()).find("charsmap: "), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }
}

void expect_fast_equals_reference(const PrecompiledNormalizer& p,
                                  const std::vector<std::string>& parts, int rounds,
                                  uint32_t seed) {
  std::mt19937 rng(seed);
  for (int t = 0; t < rounds; ++t) {
    std::string s;
    const int n = static_cast<int>(rng() % 10);
    for (int i = 0; i < n; ++i) s += parts[rng() % parts.size()];
    std::vector<InputChar> fast, ref;
    const auto in = chars_of(s);
    p.normalize(in, fast);
    p.normalize_reference(in, ref);
    ASSERT_EQ(text_of(fast), text_of(ref)) << nlohmann::json(s).dump();
    for (size_t i = 0; i < fast.size(); ++i) {
      ASSERT_EQ(fast[i].span.b, ref[i].span.b) << nlohmann::json(s).dump();
      ASSERT_EQ(fast[i].span.e, ref[i].span.e) << nlohmann::json(s).dump();
    }
  }
}

const std::vector<std::string> kParts = {"a",
                                         "x",
                                         "y",
                                         " ",
                                         "\r\n",
                                         "\r",
                                         "\n",
                                         "e\xCC\x81",
                                         "\xCC\x81",
                                         "a\xCC\x88",
                                         "\xEF\xAC\x81",
                                         "\xEF\xBC\xA1",
                                         "\xE2\x80\x8B",
                                         "\xE2\x80\x8D",
                                         "\xF0\x9F\x91\xA9",
                                         std::string(1, '\0'),
                                         "\xC2\xA0",
                                         "\xE1\x84\x80\xE1\x85\xA1",
                                         "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"};

TEST(PrecompiledNormalizer, FastPathMatchesReferenceOnHandBuiltTries) {
  for (const std::string& r :
       {std::string("bc\0", 3), std::string("\0", 1), std::string("q\0", 2)}) {
    const auto p = PrecompiledNormalizer::from_bytes(one_key_blob(r), "blob");
    expect_fast_equals_reference(p, kParts, 3000, 3);
  }
}

TEST(PrecompiledNormalizer, FastPathMatchesReferenceOnTheNmtNfkcCharsmap) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const auto j = parse_json_file(testing::unigram_tokenizer_dir("plain") + "/tokenizer.json");
  const auto p = PrecompiledNormalizer::from_base64(
      j.at("normalizer").at("normalizers").at(0).at("precompiled_charsmap").get<std::string>(),
      "charsmap");
  std::string_view r;
  EXPECT_TRUE(p.transform("\xEF\xBC\xA1", r));  // full-width A: NFKC changes it
  EXPECT_FALSE(p.transform("A", r));            // printable ASCII stays
  expect_fast_equals_reference(p, kParts, 5000, 5);
}

}  // namespace
}  // namespace bertq::text
