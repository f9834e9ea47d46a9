// The Unigram kind: the Viterbi model on small vocabularies (fast trie path against the
// substring reference, ties, unknown fusion, byte fallback), and the tokenizer built from the
// reference folder (scripts/reference/unigram_reference.py): truncation, overflow windows,
// pairs, save round trip, malformed tokenizer.json named by field, invalid UTF-8, and the fast
// pipeline against the step-by-step one on random strings.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <random>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "text/tokenizer.h"
#include "text/tokenizer_impl.h"
#include "text/tokenizer_json.h"
#include "text/unigram.h"
#include "text/unigram_text_model.h"
#include "text/unigram_tokenizer.h"
#include "unigram_test_util.h"

namespace bertq::text {
namespace {

using nlohmann::json;

std::vector<UnigramToken> segment(const Unigram& u, std::string_view w) {
  std::vector<UnigramToken> t;
  u.segment(w, t);
  return t;
}

TEST(UnigramModel, TiesKeepTheEarliestStart) {
  // "ab" scores -2 as one piece and -1 + -1 as two: equal, and the one-piece path reaches the
  // end first (start 0 before start 1), so it stays.
  const Unigram u({{"<unk>", 0.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -2.0}}, 0, false);
  const auto t = segment(u, "ab");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].id, 3);
  // A strictly better split wins.
  const Unigram v({{"<unk>", 0.0}, {"a", -1.0}, {"b", -1.0}, {"ab", -2.5}}, 0, false);
  EXPECT_EQ(segment(v, "ab").size(), 2u);
}

TEST(UnigramModel, UnknownCharactersAreFusedIntoOneToken) {
  const Unigram u({{"<unk>", 0.0}, {"a", -1.0}, {"b", -2.0}}, 0, false);
  const auto t = segment(u,
                         "a\xC3\xA9\xE4\xB8\xAD"
                         "b");  // a é 中 b
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].id, 1);
  EXPECT_EQ(t[1].id, 0);
  EXPECT_EQ(t[1].b, 1u);
  EXPECT_EQ(t[1].e, 6u);  // both unknown characters in one token
  EXPECT_EQ(t[2].id, 2);
  EXPECT_DOUBLE_EQ(u.min_score() - Unigram::kUnkPenalty, -12.0);
}

TEST(UnigramModel, ByteFallbackSplitsUnknownsIntoBytesWithTheirSpan) {
  std::vector<std::pair<std::string, double>> pieces = {{"<unk>", 0.0}, {"a", -1.0}};
  for (const char* b : {"<0xC3>", "<0xA9>"}) pieces.emplace_back(b, -5.0);
  const Unigram u(pieces, 0, true);
  const auto t = segment(u, "a\xC3\xA9");  // é: both bytes have pieces
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].id, 2);
  EXPECT_EQ(t[2].id, 3);
  EXPECT_EQ(t[1].b, 1u);
  EXPECT_EQ(t[1].e, 3u);
  EXPECT_EQ(t[2].b, 1u);
  EXPECT_EQ(t[2].e, 3u);
  // 中 (E4 B8 AD) lacks byte pieces: one <unk>.
  const auto v = segment(u, "\xE4\xB8\xAD");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, 0);
}

TEST(UnigramModel, TrieMatchesSubstringReferenceOnRandomVocabularies) {
  std::mt19937 rng(7);
  const std::vector<std::string> alphabet = {"a", "b", "c", "\xC3\xA9", "\xE2\x96\x81", "x"};
  for (int round = 0; round < 40; ++round) {
    std::vector<std::pair<std::string, double>> pieces = {{"<unk>", 0.0}};
    std::uniform_real_distribution<double> score(-12.0, -0.5);
    for (int k = 0; k < 30; ++k) {
      std::string p;
      const int len = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < len; ++i) p += alphabet[rng() % (alphabet.size() - 1)];  // never "x"
      // Scores with few bits make exact ties common.
      pieces.emplace_back(p, std::round(score(rng) * 2) / 2);
    }
    const Unigram u(pieces, 0, round % 2 == 1);
    for (int t = 0; t < 50; ++t) {
      std::string w;
      const int len = 1 + static_cast<int>(rng() % 12);
      for (int i = 0; i < len; ++i) w += alphabet[rng() % alphabet.size()];
      std::vector<UnigramToken> fast, ref;
      u.segment(w, fast);
      u.segment_reference(w, ref);
      ASSERT_EQ(fast.size(), ref.size()) << w;
      for (size_t i = 0; i < fast.size(); ++i) {
        EXPECT_EQ(fast[i].id, ref[i].id) << w;
        EXPECT_EQ(fast[i].b, ref[i].b) << w;
        EXPECT_EQ(fast[i].e, ref[i].e) << w;
      }
      // Tokens tile the word and no two unknowns are adjacent.
      uint32_t at = 0;
      for (size_t i = 0; i < fast.size(); ++i) {
        if (i == 0 || fast[i].b != fast[i - 1].b) {
          EXPECT_EQ(fast[i].b, at) << w;
          at = fast[i].e;
        }
        if (i > 0) {
          EXPECT_FALSE(fast[i].id == 0 && fast[i - 1].id == 0) << w;
        }
      }
      EXPECT_EQ(at, w.size()) << w;
    }
  }
}

Tokenizer plain_tokenizer() {
  return Tokenizer::from_folder(testing::unigram_tokenizer_dir("plain"));
}

std::string long_text() {
  std::string s;
  for (int i = 0; i < 60; ++i) s += "The movie number " + std::to_string(i) + " was quite good. ";
  return s;
}

TEST(UnigramTokenizer, TruncationKeepsHeadTailOrBoth) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = plain_tokenizer();
  const std::string text = long_text();
  EncodeOptions full_o;
  full_o.return_offsets = true;
  const Encoding full = tok.encode(text, full_o);
  const size_t n = full.ids.size() - 2;  // content tokens
  ASSERT_GT(n, 200u);
  EncodeOptions o = full_o;
  o.max_length = 64;
  o.head_tokens = 20;
  for (Truncation t : {Truncation::HEAD, Truncation::TAIL, Truncation::HEAD_TAIL}) {
    o.truncation = t;
    const Encoding e = tok.encode(text, o);
    ASSERT_EQ(e.ids.size(), 64u) << truncation_name(t);
    EXPECT_EQ(e.ids.front(), tok.cls_id());
    EXPECT_EQ(e.ids.back(), tok.sep_id());
    for (size_t k = 0; k < 62; ++k) {
      const size_t src = t == Truncation::HEAD   ? k
                         : t == Truncation::TAIL ? n - 62 + k
                         : k < 20                ? k
                                                 : n - 42 + (k - 20);
      ASSERT_EQ(e.ids[1 + k], full.ids[1 + src]) << truncation_name(t) << " position " << k;
      ASSERT_EQ(e.offsets[1 + k], full.offsets[1 + src]) << truncation_name(t);
    }
  }
}

TEST(UnigramTokenizer, OverflowWindowsCoverTheTextWithStride) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = plain_tokenizer();
  const std::string text = long_text();
  const Encoding full = tok.encode(text);
  const size_t n = full.ids.size() - 2;
  EncodeOptions o;
  o.max_length = 34;  // windows of 32 content tokens
  o.stride = 8;       // starts 0, 24, 48, ...
  o.return_overflow = true;
  const Encoding e = tok.encode(text, o);
  const size_t windows = 1 + e.overflow.size();
  EXPECT_EQ(windows, 1 + (n - 32 + 23) / 24);
  for (size_t w = 0; w < windows; ++w) {
    const Encoding& x = w == 0 ? e : e.overflow[w - 1];
    const size_t start = 24 * w, len = std::min<size_t>(32, n - start);
    ASSERT_EQ(x.ids.size(), len + 2) << "window " << w;
    EXPECT_EQ(x.ids.front(), tok.cls_id());
    EXPECT_EQ(x.ids.back(), tok.sep_id());
    for (size_t k = 0; k < len; ++k) EXPECT_EQ(x.ids[1 + k], full.ids[1 + start + k]) << w;
  }
}

TEST(UnigramTokenizer, PairTemplateAndSpecialIds) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = plain_tokenizer();
  EXPECT_EQ(tok.token_id("<s>"), tok.cls_id());
  EXPECT_EQ(tok.token_id("</s>"), tok.sep_id());
  EXPECT_EQ(tok.token_id("<pad>"), tok.pad_id());
  EXPECT_EQ(tok.token_id("<unk>"), tok.unk_id());
  EXPECT_EQ(tok.token_id("<mask>"), tok.mask_id());
  EXPECT_EQ(tok.num_special_tokens(false), 2u);
  EXPECT_EQ(tok.num_special_tokens(true), 4u);
  const Encoding a = tok.encode("first text"), b = tok.encode("second one");
  const Encoding p = tok.encode_pair("first text", "second one");
  std::vector<int32_t> want(a.ids.begin(), a.ids.end());
  want.push_back(tok.sep_id());
  want.insert(want.end(), b.ids.begin() + 1, b.ids.end());
  EXPECT_EQ(p.ids, want);
}

TEST(UnigramTokenizer, SaveAndLoadRoundTrip) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  for (const std::string& variant : testing::kUnigramVariants) {
    const Tokenizer tok = Tokenizer::from_folder(testing::unigram_tokenizer_dir(variant));
    bertq::testing::TempDir dir;
    tok.save(dir.path());
    const Tokenizer back = Tokenizer::from_folder(dir.path());
    EXPECT_EQ(back.kind(), TokenizerKind::UNIGRAM);
    EXPECT_EQ(back.vocab_size(), tok.vocab_size());
    EncodeOptions o;
    o.return_offsets = true;
    size_t n = 0;
    for (const json& g : testing::read_jsonl(testing::kUnigramDir + variant + "/unicode.jsonl")) {
      const std::string t = g.at("text").get<std::string>();
      const Encoding x = tok.encode(t, o), y = back.encode(t, o);
      EXPECT_EQ(x.ids, y.ids) << variant << " " << g.at("id");
      EXPECT_EQ(x.offsets, y.offsets) << variant << " " << g.at("id");
      EXPECT_EQ(tok.decode(x.ids), back.decode(y.ids));
      ++n;
    }
    EXPECT_EQ(n, 403u);
  }
}

// Writes a mutated copy of plain's tokenizer.json and expects loading it to fail with `code`
// and a message containing `field`.
void expect_refused(const std::function<void(json&)>& mutate, ErrorCode code,
                    const std::string& field) {
  json j = parse_json_file(testing::unigram_tokenizer_dir("plain") + "/tokenizer.json");
  mutate(j);
  bertq::testing::TempDir dir;
  const std::string path = dir.file("tokenizer.json");
  std::ofstream(path) << j.dump();
  try {
    Tokenizer::from_tokenizer_json(path);
    ADD_FAILURE() << "loaded although " << field << " is bad";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(UnigramTokenizer, MalformedTokenizerJsonIsRefusedNamingTheField) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  auto charsmap = [](json& j) -> json& {
    return j["normalizer"]["normalizers"][0]["precompiled_charsmap"];
  };
  expect_refused([&](json& j) { charsmap(j) = "AAA*AAAA"; }, ErrorCode::CORRUPT_FILE,
                 "normalizers[0].precompiled_charsmap: invalid base64 character at position 3");
  expect_refused([&](json& j) { charsmap(j) = charsmap(j).get<std::string>().substr(0, 400); },
                 ErrorCode::CORRUPT_FILE, "precompiled_charsmap: truncated trie");
  expect_refused([&](json& j) { charsmap(j) = "AA"; }, ErrorCode::CORRUPT_FILE,
                 "precompiled_charsmap");
  expect_refused([](json& j) { j["model"]["unk_id"] = j["model"]["vocab"].size(); },
                 ErrorCode::CORRUPT_FILE, "model.unk_id");
  expect_refused([](json& j) { j["model"]["unk_id"] = -1; }, ErrorCode::CORRUPT_FILE,
                 "model.unk_id");
  expect_refused([](json& j) { j["model"]["vocab"][5] = json::array({"x"}); },
                 ErrorCode::CORRUPT_FILE, "model.vocab[5]: expected [string, number]");
  expect_refused(
      [](json& j) {
        j["model"]["vocab"][6] = json::array({1, 2});
      },
      ErrorCode::CORRUPT_FILE, "model.vocab[6]: expected [string, number]");
  expect_refused(
      [](json& j) {
        j["model"]["vocab"][7] = json::array({"y", "-1.5"});
      },
      ErrorCode::CORRUPT_FILE, "model.vocab[7]: expected [string, number]");
  expect_refused([](json& j) { j["model"]["vocab"] = json::object(); }, ErrorCode::CORRUPT_FILE,
                 "model.vocab");
  expect_refused([](json& j) { j["model"]["unk_id"] = nullptr; }, ErrorCode::UNSUPPORTED,
                 "model.unk_id");
  expect_refused(
      [](json& j) {
        j["normalizer"]["normalizers"].push_back({{"type", "NFKC"}});
      },
      ErrorCode::UNSUPPORTED, "normalizer.normalizers[3].type");
  expect_refused(
      [](json& j) {
        j["normalizer"]["normalizers"][2]["pattern"] = {{"String", " "}};
      },
      ErrorCode::UNSUPPORTED, "normalizer.normalizers[2].pattern");
  expect_refused(
      [](json& j) {
        auto& n = j["normalizer"]["normalizers"];
        std::swap(n[0], n[2]);
      },
      ErrorCode::UNSUPPORTED, "normalizer.normalizers[1]");
  expect_refused(
      [](json& j) {
        j["pre_tokenizer"] = {{"type", "ByteLevel"}};
      },
      ErrorCode::UNSUPPORTED, "pre_tokenizer.type");
  expect_refused([](json& j) { j["pre_tokenizer"] = nullptr; }, ErrorCode::UNSUPPORTED,
                 "pre_tokenizer");
  expect_refused([](json& j) { j["pre_tokenizer"]["prepend_scheme"] = "sometimes"; },
                 ErrorCode::UNSUPPORTED, "pre_tokenizer.prepend_scheme");
  expect_refused([](json& j) { j["pre_tokenizer"]["replacement"] = "ab"; }, ErrorCode::UNSUPPORTED,
                 "pre_tokenizer.replacement");
  expect_refused(
      [](json& j) {
        j["decoder"] = {{"type", "ByteFallback"}};
      },
      ErrorCode::UNSUPPORTED, "decoder.type");
}

TEST(UnigramTokenizer, SentencePieceModelFolderHasXlmRobertaIds) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = Tokenizer::from_folder(testing::unigram_tokenizer_dir("spm_only"));
  const Tokenizer json_tok = plain_tokenizer();  // the converter's tokenizer.json of that model
  ASSERT_EQ(tok.vocab_size(), json_tok.vocab_size());
  std::vector<int32_t> all(tok.vocab_size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int32_t>(i);
  EXPECT_EQ(tok.tokens(all), json_tok.tokens(all));
  for (auto id : {tok.cls_id(), tok.pad_id(), tok.sep_id(), tok.unk_id(), tok.mask_id()})
    EXPECT_EQ(tok.tokens({id}), json_tok.tokens({id}));
  EXPECT_EQ(tok.mask_id(), static_cast<int32_t>(tok.vocab_size()) - 1);
  // save() writes the tokenizer.json built from the model; it loads back.
  bertq::testing::TempDir dir;
  tok.save(dir.path());
  const Tokenizer back = Tokenizer::from_folder(dir.path());
  EXPECT_EQ(back.encode("A sentencepiece model, saved as tokenizer.json.").ids,
            tok.encode("A sentencepiece model, saved as tokenizer.json.").ids);
}

void expect_model_refused(const std::string& bytes, ErrorCode code, const std::string& what) {
  bertq::testing::TempDir dir;
  write_file_atomic(dir.file("sentencepiece.bpe.model"), bytes);
  try {
    Tokenizer::from_folder(dir.path());
    ADD_FAILURE() << "loaded although " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sentencepiece.bpe.model"), std::string::npos);
  }
}

TEST(UnigramTokenizer, MalformedSentencePieceModelIsRefused) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const std::string model =
      read_file(testing::unigram_tokenizer_dir("spm_only") + "/sentencepiece.bpe.model");
  expect_model_refused(model.substr(0, model.size() / 2), ErrorCode::CORRUPT_FILE, "byte offset");
  // A later trainer_spec with model_type 2 (BPE): field 2, 2 bytes, field 3 varint 2.
  expect_model_refused(model + std::string("\x12\x02\x18\x02", 4), ErrorCode::UNSUPPORTED,
                       "trainer_spec.model_type");
  expect_model_refused(std::string("\x0a\x02\x0a", 3), ErrorCode::CORRUPT_FILE, "truncated");
}

TEST(UnigramTokenizer, InvalidUtf8IsAnErrorOrReplaced) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = plain_tokenizer();
  const std::string bad = "good \xFF movie";  // the invalid byte at offset 5
  try {
    tok.encode(bad);
    ADD_FAILURE() << "invalid UTF-8 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("byte offset 5"), std::string::npos) << e.what();
  }
  try {  // after an added token: the offset is still into the whole text
    tok.encode("<s>ab\xC3");
    ADD_FAILURE() << "truncated UTF-8 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset 5"), std::string::npos) << e.what();
  }
  EncodeOptions o;
  o.replace_invalid_utf8 = true;
  o.return_offsets = true;
  const Encoding r = tok.encode(bad, o);
  const Encoding want = tok.encode("good \xEF\xBF\xBD movie", o);  // U+FFFD written out
  EXPECT_EQ(r.ids, want.ids);
  ASSERT_EQ(r.offsets.size(), want.offsets.size());
  auto map = [](uint32_t x) { return x <= 5 ? x : x - 2; };  // 3 bytes of U+FFFD -> 1 bad byte
  for (size_t i = 0; i < r.offsets.size(); ++i) {
    EXPECT_EQ(r.offsets[i].first, map(want.offsets[i].first)) << i;
    EXPECT_EQ(r.offsets[i].second, map(want.offsets[i].second)) << i;
  }
}

// Random strings from pieces that stress the normalizer (graphemes, deletions, expansions,
// whitespace of every kind) and the model (unknowns): fast pipeline == reference pipeline.
TEST(UnigramTokenizer, FastPathMatchesReferenceOnRandomStrings) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const std::vector<std::string> parts = {"a",
                                          "The",
                                          " ",
                                          "  ",
                                          "   ",
                                          "\t",
                                          "\n",
                                          "\r\n",
                                          "\r",
                                          "e\xCC\x81",
                                          "\xCC\x81",
                                          "\xCC\x88",
                                          "\xC3\xA9",
                                          "\xEF\xAC\x81",
                                          "\xEF\xBC\xA1",
                                          "\xE6\xBC\xA2",
                                          "\xF0\x9F\x91\xA9\xE2\x80\x8D"
                                          "\xF0\x9F\x91\xA7",
                                          "\xE2\x80\x8D",
                                          "\xE2\x80\x8B",
                                          "\xC2\xA0",
                                          "\xE3\x80\x80",
                                          std::string(1, '\0'),
                                          "\xC2\x85",
                                          "\xE1\x84\x80\xE1\x85\xA1",
                                          "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
                                          "\xE2\x98\x83",
                                          "!!!",
                                          "\xE2\x96\x81",
                                          "\xEF\xBC\x9C\xEF\xBD\x93\xEF\xBC\x9E",
                                          "\xE0\xB8\x81\xE0\xB8\xB3",
                                          "\xD8\xA7\xD9\x84",
                                          "\xE2\x84\xAA",
                                          "\xC4\xB0",
                                          "x\xCC\x81\xCC\x88\xCC\x83"};
  std::mt19937 rng(11);
  for (const std::string& variant : testing::kUnigramVariants) {
    const std::string path = testing::unigram_tokenizer_dir(variant) + "/tokenizer.json";
    Tokenizer::Impl m;
    load_unigram_tokenizer(m, parse_json_file(path), path);
    const auto& model = dynamic_cast<const UnigramTextModel&>(*m.model);
    for (int t = 0; t < 1500; ++t) {
      std::string s;
      const int n = static_cast<int>(rng() % 12);
      for (int i = 0; i < n; ++i) s += parts[rng() % parts.size()];
      const uint32_t base = t % 3 == 0 ? 0 : 5;
      std::vector<int32_t> ids, ref_ids;
      Offsets offs, ref_offs;
      model.encode(s, base, false, ids, offs);
      model.encode_reference(s, base, false, ref_ids, ref_offs);
      ASSERT_EQ(ids, ref_ids) << variant << " " << json(s).dump();
      ASSERT_EQ(offs, ref_offs) << variant << " " << json(s).dump();
      for (const auto& [b, e] : offs) {
        ASSERT_LE(b, e);
        ASSERT_LE(e, base + s.size()) << variant << " " << json(s).dump();
      }
    }
  }
}

}  // namespace
}  // namespace bertq::text

namespace bertq::text {
namespace {

std::string hex(const std::string& s) {
  std::string out;
  char buf[4];
  for (const char c : s) {
    std::snprintf(buf, sizeof buf, "%02x ", static_cast<uint8_t>(c));
    out += buf;
  }
  return out;
}

// Arbitrary bytes: replace mode never throws and agrees with the reference; strict mode either
// encodes (valid UTF-8) or throws INVALID_ARGUMENT.
TEST(UnigramTokenizer, ArbitraryBytesAreEncodedOrRefused) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const std::string path = testing::unigram_tokenizer_dir("byte_fallback") + "/tokenizer.json";
  Tokenizer::Impl m;
  load_unigram_tokenizer(m, parse_json_file(path), path);
  const auto& model = dynamic_cast<const UnigramTextModel&>(*m.model);
  std::mt19937 rng(13);
  const std::string seeds[] = {"a", " ", "\xE2\x96\x81", "\xC3\xA9", "\xEF\xBC\xA1", "\xCC\x81"};
  for (int t = 0; t < 3000; ++t) {
    std::string s;
    const int n = static_cast<int>(rng() % 16);
    for (int i = 0; i < n; ++i) {
      if (rng() % 2) {
        s += static_cast<char>(rng() % 256);
      } else {
        s += seeds[rng() % 6];
      }
    }
    std::vector<int32_t> ids, ref_ids;
    Offsets offs, ref_offs;
    model.encode(s, 0, true, ids, offs);
    model.encode_reference(s, 0, true, ref_ids, ref_offs);
    ASSERT_EQ(ids, ref_ids) << hex(s);
    ASSERT_EQ(offs, ref_offs) << hex(s);
    for (const auto& [b, e] : offs) ASSERT_LE(e, s.size());
    std::vector<int32_t> strict_ids;
    Offsets strict_offs;
    try {
      model.encode(s, 0, false, strict_ids, strict_offs);
      EXPECT_EQ(strict_ids, ids);  // valid UTF-8: the same either way
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    }
  }
}

}  // namespace
}  // namespace bertq::text
