// Tokenizer API on the small in-memory vocabulary: special tokens and templates, pairs,
// truncation strategies, overflow windows, offsets, padding, decode, invalid UTF-8, added
// tokens in the text, save/load round trip, tokenizer.json errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "text/text_test_util.h"
#include "text/tokenizer.h"

namespace bertq::text {
namespace {

using testing::small_tokenizer;

// "x0 x1 ..." texts whose tokens are known: n words cycling over a, b, c (ids 22, 23, 24).
std::string abc_text(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += "abc"[i % 3];
    s += ' ';
  }
  return s;
}
int32_t abc_id(size_t i) {
  return 22 + static_cast<int32_t>(i % 3);
}

TEST(Tokenizer, SingleTextWithSpecialTokens) {
  const Tokenizer tok = small_tokenizer();
  const Encoding e = tok.encode("Hello, world!");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{2, 5, 11, 6, 12, 3}));
  EXPECT_EQ(e.type_ids, std::vector<int32_t>(6, 0));
  EXPECT_EQ(e.attention_mask, std::vector<int32_t>(6, 1));
  EXPECT_TRUE(e.offsets.empty());  // not requested
  EncodeOptions no_special;
  no_special.add_special_tokens = false;
  EXPECT_EQ(tok.encode("Hello, world!", no_special).ids, (std::vector<int32_t>{5, 11, 6, 12}));
  EXPECT_EQ(tok.encode("").ids, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(tok.cls_id(), 2);
  EXPECT_EQ(tok.sep_id(), 3);
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_EQ(tok.unk_id(), 1);
  EXPECT_EQ(tok.mask_id(), 4);
  EXPECT_EQ(tok.token_id("movie"), 18);
  EXPECT_EQ(tok.token_id("nope"), -1);
  EXPECT_EQ(tok.vocab_size(), testing::small_vocab().size());
}

TEST(Tokenizer, CasedVariantKeepsCase) {
  const Tokenizer cased = small_tokenizer(false);
  EXPECT_EQ(cased.encode("Hello É", {.add_special_tokens = false}).ids,
            (std::vector<int32_t>{35, 36}));
  EXPECT_EQ(small_tokenizer().encode("Hello É", {.add_special_tokens = false}).ids,
            (std::vector<int32_t>{5, 41}));  // lowercased and accent stripped: hello e
}

TEST(Tokenizer, SpecialTokensInTextAreMatchedBeforeNormalization) {
  const Tokenizer tok = small_tokenizer();
  EXPECT_EQ(tok.encode("a [SEP] b[MASK]").ids, (std::vector<int32_t>{2, 22, 3, 23, 4, 3}));
  // Lower-case "[sep]" is not the special token: it is "[", "sep", "]" (all [UNK] here).
  EXPECT_EQ(tok.encode("[sep]").ids, (std::vector<int32_t>{2, 1, 1, 1, 3}));
}

TEST(Tokenizer, PairsGetTypeIds) {
  const Tokenizer tok = small_tokenizer();
  const Encoding e = tok.encode_pair("hello world", "the movie", {.return_offsets = true});
  EXPECT_EQ(e.ids, (std::vector<int32_t>{2, 5, 6, 3, 17, 18, 3}));
  EXPECT_EQ(e.type_ids, (std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1}));
  ASSERT_EQ(e.offsets.size(), 7u);
  EXPECT_EQ(e.offsets[0], std::make_pair(0u, 0u));
  EXPECT_EQ(e.offsets[2], std::make_pair(6u, 11u));  // into text a
  EXPECT_EQ(e.offsets[5], std::make_pair(4u, 9u));   // into text b
  EXPECT_EQ(tok.num_special_tokens(false), 2u);
  EXPECT_EQ(tok.num_special_tokens(true), 3u);
}

TEST(Tokenizer, TruncationHeadTailAndHeadTail) {
  const Tokenizer tok = small_tokenizer();
  const std::string text = abc_text(600);
  EncodeOptions o;
  o.max_length = 512;
  for (Truncation t : {Truncation::HEAD, Truncation::TAIL, Truncation::HEAD_TAIL}) {
    o.truncation = t;
    const Encoding e = tok.encode(text, o);
    ASSERT_EQ(e.ids.size(), 512u) << truncation_name(t);
    EXPECT_EQ(e.ids.front(), 2);
    EXPECT_EQ(e.ids.back(), 3);
    for (size_t k = 0; k < 510; ++k) {
      size_t src;  // which content token of the 600 should be at position k
      if (t == Truncation::HEAD)
        src = k;
      else if (t == Truncation::TAIL)
        src = 90 + k;
      else
        src = k < 128 ? k : 600 - 382 + (k - 128);
      ASSERT_EQ(e.ids[1 + k], abc_id(src)) << truncation_name(t) << " position " << k;
    }
  }
  // head+tail with offsets: the 129th content token is token 218 of the text (600 - 382).
  o.truncation = Truncation::HEAD_TAIL;
  o.return_offsets = true;
  const Encoding e = tok.encode(text, o);
  EXPECT_EQ(e.offsets[128], std::make_pair(254u, 255u));
  EXPECT_EQ(e.offsets[129], std::make_pair(436u, 437u));
  // Short texts are untouched; no max_length means no truncation.
  EXPECT_EQ(tok.encode(abc_text(5), o).ids.size(), 7u);
  EXPECT_EQ(tok.encode(text).ids.size(), 602u);
  EXPECT_THROW(tok.encode(text, {.max_length = 2}), Error);  // no room after [CLS] [SEP]
}

TEST(Tokenizer, ParseTruncation) {
  EXPECT_EQ(parse_truncation("head"), Truncation::HEAD);
  EXPECT_EQ(parse_truncation("tail"), Truncation::TAIL);
  EXPECT_EQ(parse_truncation("head+tail"), Truncation::HEAD_TAIL);
  EXPECT_EQ(parse_truncation("longest_first"), Truncation::LONGEST_FIRST);
  EXPECT_THROW(parse_truncation("middle"), Error);
}

TEST(Tokenizer, LongestFirstForPairs) {
  const Tokenizer tok = small_tokenizer();
  EncodeOptions o;
  o.max_length = 13;  // 10 content tokens
  o.truncation = Truncation::LONGEST_FIRST;
  auto count = [](const Encoding& e, int type) {
    size_t n = 0;
    for (size_t i = 0; i < e.ids.size(); ++i) n += e.type_ids[i] == type && e.ids[i] != 3;
    return n;
  };
  // 20 + 3: the short one is kept whole, the long one gets the rest.
  Encoding e = tok.encode_pair(abc_text(20), abc_text(3), o);
  EXPECT_EQ(e.ids.size(), 13u);
  EXPECT_EQ(count(e, 0) - 1 /*[CLS]*/, 7u);
  EXPECT_EQ(count(e, 1), 3u);
  // 20 + 20: split evenly; 9 + 9 at an odd budget: the first keeps the extra token.
  e = tok.encode_pair(abc_text(20), abc_text(20), o);
  EXPECT_EQ(count(e, 0) - 1, 5u);
  EXPECT_EQ(count(e, 1), 5u);
  o.max_length = 14;
  e = tok.encode_pair(abc_text(9), abc_text(9), o);
  EXPECT_EQ(count(e, 0) - 1, 6u);
  EXPECT_EQ(count(e, 1), 5u);
  // Heads are kept.
  EXPECT_EQ(e.ids[1], abc_id(0));
  EXPECT_EQ(longest_first_lengths(3, 20, 10), std::make_pair(size_t(3), size_t(7)));
  EXPECT_EQ(longest_first_lengths(20, 3, 10), std::make_pair(size_t(7), size_t(3)));
}

TEST(Tokenizer, OverflowWindowsWithStride) {
  const Tokenizer tok = small_tokenizer();
  EncodeOptions o;
  o.max_length = 6;  // windows of 4 content tokens
  o.stride = 1;      // consecutive windows share 1 token: starts 0, 3, 6, 9
  o.return_overflow = true;
  o.return_offsets = true;
  const Encoding e = tok.encode(abc_text(11), o);
  ASSERT_EQ(e.overflow.size(), 3u);
  const std::vector<std::pair<size_t, size_t>> want = {{0, 4}, {3, 7}, {6, 10}, {9, 11}};
  for (size_t w = 0; w < want.size(); ++w) {
    const Encoding& x = w == 0 ? e : e.overflow[w - 1];
    ASSERT_EQ(x.ids.size(), want[w].second - want[w].first + 2) << "window " << w;
    EXPECT_EQ(x.ids.front(), 2);
    EXPECT_EQ(x.ids.back(), 3);
    for (size_t k = want[w].first; k < want[w].second; ++k) {
      EXPECT_EQ(x.ids[1 + k - want[w].first], abc_id(k)) << "window " << w;
      EXPECT_EQ(x.offsets[1 + k - want[w].first].first, 2 * k) << "window " << w;
    }
  }
  // From the end with TAIL: the first window holds the last 4 tokens.
  o.truncation = Truncation::TAIL;
  const Encoding t = tok.encode(abc_text(11), o);
  EXPECT_EQ(t.ids[1], abc_id(7));
  ASSERT_EQ(t.overflow.size(), 3u);
  EXPECT_EQ(t.overflow.back().ids.size(), 2u + 2u);  // tokens 0..1
  o.stride = 4;
  EXPECT_THROW(tok.encode(abc_text(11), o), Error);  // stride must be below the window
}

TEST(Tokenizer, OffsetsSliceTheOriginalText) {
  const Tokenizer tok = small_tokenizer();
  const std::string text = "  Café\tNAÏVE,  unaffable \xC3\x89";
  const Encoding e = tok.encode(text, {.return_offsets = true});
  const auto toks = tok.tokens(e.ids);
  std::vector<std::string> surface;
  for (size_t i = 0; i < e.ids.size(); ++i) {
    surface.push_back(text.substr(e.offsets[i].first, e.offsets[i].second - e.offsets[i].first));
  }
  EXPECT_EQ(toks, (std::vector<std::string>{"[CLS]", "cafe", "naive", ",", "un", "##aff", "##able",
                                            "e", "[SEP]"}));
  EXPECT_EQ(surface, (std::vector<std::string>{"", "Café", "NAÏVE", ",", "un", "aff", "able",
                                               "\xC3\x89", ""}));
}

TEST(Tokenizer, PaddingToLongestAndToLength) {
  const Tokenizer tok = small_tokenizer();
  auto batch =
      tok.encode_batch({"a b c", "a", "hello world the movie"}, {.return_offsets = true}, 2);
  pad_batch(batch, tok.pad_id());
  for (const auto& e : batch) {
    ASSERT_EQ(e.ids.size(), 6u);
    ASSERT_EQ(e.attention_mask.size(), 6u);
    ASSERT_EQ(e.type_ids.size(), 6u);
    ASSERT_EQ(e.offsets.size(), 6u);
  }
  EXPECT_EQ(batch[1].ids, (std::vector<int32_t>{2, 22, 3, 0, 0, 0}));
  EXPECT_EQ(batch[1].attention_mask, (std::vector<int32_t>{1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(batch[2].attention_mask, std::vector<int32_t>(6, 1));
  pad_batch(batch, tok.pad_id(), 8);
  EXPECT_EQ(batch[0].ids.size(), 8u);
  EXPECT_THROW(pad_batch(batch, tok.pad_id(), 4), Error);
}

TEST(Tokenizer, Decode) {
  const Tokenizer tok = small_tokenizer();
  EXPECT_EQ(tok.decode(tok.encode("Hello, world! unaffable movies.").ids),
            "hello, world! unaffable movies.");
  // HF cleans up each token with its leading space, so " '" stays: "don ' t".
  EXPECT_EQ(tok.decode(tok.encode("don't").ids), "don ' t");
  EXPECT_EQ(tok.decode(tok.encode("hello").ids, false), "[CLS] hello [SEP]");
  EXPECT_THROW(tok.decode({999}), Error);
}

TEST(Tokenizer, InvalidUtf8IsAnErrorOrReplaced) {
  const Tokenizer tok = small_tokenizer();
  const std::string bad = "hello \xC3(world";
  try {
    tok.encode(bad);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("byte offset 6"), std::string::npos) << e.what();
  }
  // The byte offset is into the whole text, also after an added token.
  try {
    tok.encode("[CLS] a \xFF");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset 8"), std::string::npos) << e.what();
  }
  EncodeOptions o;
  o.replace_invalid_utf8 = true;
  o.return_offsets = true;
  const Encoding e = tok.encode(bad, o);  // U+FFFD is dropped by clean_text
  EXPECT_EQ(tok.tokens(e.ids),
            (std::vector<std::string>{"[CLS]", "hello", "[UNK]", "world", "[SEP]"}));
  // Batch errors name the text.
  try {
    tok.encode_batch({"ok", bad}, {}, 2);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("text 1"), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, HugeTextsCompleteWithExpectedStructure) {
  const Tokenizer tok = small_tokenizer();
  const size_t kBytes = 20u << 20;
  // One 20 MB word without spaces: a single [UNK] covering all of it.
  const std::string word(kBytes, 'a');
  Encoding e = tok.encode(word, {.return_offsets = true});
  EXPECT_EQ(e.ids, (std::vector<int32_t>{2, 1, 3}));
  EXPECT_EQ(e.offsets[1], std::make_pair(0u, uint32_t(kBytes)));
  // 20 MB of "a b " words: one token per word.
  std::string words;
  words.reserve(kBytes);
  while (words.size() < kBytes) words += "a b ";
  e = tok.encode(words);
  EXPECT_EQ(e.ids.size(), kBytes / 2 + 2);
  EXPECT_EQ(e.ids[1], 22);
  EXPECT_EQ(e.ids[kBytes / 2], 23);
  // 20 MB of punctuation: one token per byte.
  e = tok.encode(std::string(kBytes, '!'), {.max_length = 16});
  EXPECT_EQ(e.ids.size(), 16u);
}

TEST(Tokenizer, SaveAndLoadRoundTrip) {
  const Tokenizer tok = small_tokenizer();
  bertq::testing::TempDir dir;
  tok.save(dir.path());
  for (const char* f : {"vocab.txt", "tokenizer_config.json", "tokenizer.json"}) {
    EXPECT_TRUE(file_exists(dir.file(f))) << f;
  }
  const Tokenizer json_tok = Tokenizer::from_folder(dir.path());
  std::filesystem::remove(dir.file("tokenizer.json"));
  const Tokenizer vocab_tok = Tokenizer::from_folder(dir.path());
  const std::string text = "Hello, [SEP] naïve unaffable movies! 北京 İ";
  const Encoding want = tok.encode_pair(text, "the movie", {.return_offsets = true});
  for (const Tokenizer* t : {&json_tok, &vocab_tok}) {
    const Encoding got = t->encode_pair(text, "the movie", {.return_offsets = true});
    EXPECT_EQ(got.ids, want.ids);
    EXPECT_EQ(got.type_ids, want.type_ids);
    EXPECT_EQ(got.offsets, want.offsets);
    EXPECT_EQ(t->decode(got.ids), tok.decode(want.ids));
  }
  // The cased setting survives too.
  small_tokenizer(false).save(dir.path());
  EXPECT_EQ(Tokenizer::from_folder(dir.path()).encode("Hello").ids[1], 35);
}

TEST(Tokenizer, TokenizerConfigOverridesTheNormalizer) {
  bertq::testing::TempDir dir;
  small_tokenizer().save(dir.path());  // tokenizer.json says lowercase
  EXPECT_EQ(Tokenizer::from_folder(dir.path()).encode("Hello").ids[1], 5);
  EXPECT_EQ(Tokenizer::from_folder(dir.path()).model_max_length(), 0);
  // As in transformers, tokenizer_config.json's do_lower_case wins where it is set.
  write_file_atomic(dir.file("tokenizer_config.json"),
                    R"({"do_lower_case": false, "model_max_length": 512})");
  const Tokenizer cased = Tokenizer::from_folder(dir.path());
  EXPECT_EQ(cased.encode("Hello").ids[1], 35);
  EXPECT_EQ(cased.model_max_length(), 512);
  // ... but not the tokenizer.json loaded on its own.
  EXPECT_EQ(Tokenizer::from_tokenizer_json(dir.file("tokenizer.json")).encode("Hello").ids[1], 5);
}

// A copy of `base` with the value at `pointer` replaced must fail to load with `code` and a
// message holding `message`.
struct EditCase {
  const char* pointer;
  nlohmann::json value;
  const char* message;
};
void expect_edits_refused(const nlohmann::json& base, const std::vector<EditCase>& cases,
                          ErrorCode code) {
  bertq::testing::TempDir dir;
  for (const auto& c : cases) {
    auto j = base;
    j[nlohmann::json::json_pointer(c.pointer)] = c.value;
    write_file_atomic(dir.file("tokenizer.json"), j.dump());
    try {
      Tokenizer::from_tokenizer_json(dir.file("tokenizer.json"));
      ADD_FAILURE() << c.pointer << " = " << c.value.dump() << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
  }
}

TEST(Tokenizer, UnsupportedTokenizerJsonNamesTheField) {
  BERTQ_REQUIRE_SHARED(tj, "data/bert-base-uncased/tokenizer.json");
  expect_edits_refused(nlohmann::json::parse(read_file(tj)),
                       {
                           {"/model/type", "WordLevel", "model.type"},
                           {"/normalizer/type", "NFKC", "normalizer.type"},
                           {"/pre_tokenizer/type", "Whitespace", "pre_tokenizer.type"},
                           {"/post_processor/type", "ByteLevel", "post_processor.type"},
                           {"/decoder/type", "ByteLevel", "decoder.type"},
                           {"/added_tokens/0/normalized", true, "added_tokens[0].normalized"},
                       },
                       ErrorCode::UNSUPPORTED);
  bertq::testing::TempDir dir;
  write_file_atomic(dir.file("tokenizer.json"), "{\"model\": ");
  EXPECT_THROW(Tokenizer::from_tokenizer_json(dir.file("tokenizer.json")), Error);
  EXPECT_THROW(Tokenizer::from_folder(dir.file("nope")), Error);
}

// model.vocab is read entry by entry as the file is parsed (not built as a document): a bad
// entry, a vocab that is not an object, or ids that are not 0..n-1 are still named.
TEST(Tokenizer, BadVocabEntriesAreNamed) {
  BERTQ_REQUIRE_SHARED(tj, "data/bert-base-uncased/tokenizer.json");
  const auto base = nlohmann::json::parse(read_file(tj));
  const char* entry = "model.vocab.hello: expected an integer id";
  expect_edits_refused(
      base,
      {
          {"/model/vocab/hello", "7592", entry},
          {"/model/vocab/hello", 2.5, entry},
          {"/model/vocab/hello", nlohmann::json::object({{"id", 7592}}), entry},
          {"/model/vocab/hello", nlohmann::json::array({7592}), entry},
          {"/model/vocab/hello", 0, "ids must be 0.."},
          {"/model/vocab", nlohmann::json::array({"[PAD]"}), "model.vocab: expected an object"},
      },
      ErrorCode::CORRUPT_FILE);
  // The untouched file loads with every entry (the ids of the golden tests).
  bertq::testing::TempDir dir;
  write_file_atomic(dir.file("tokenizer.json"), base.dump());
  EXPECT_EQ(Tokenizer::from_tokenizer_json(dir.file("tokenizer.json")).vocab_size(),
            base["model"]["vocab"].size());
}

}  // namespace
}  // namespace bertq::text
