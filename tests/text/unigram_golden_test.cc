// Exactness of the Unigram kind against Hugging Face tokenizers 0.19 (Rust, through Python),
// for both variants written by scripts/reference/unigram_reference.py: ids AND byte offsets
// of every line of imdb.jsonl (2,000 reviews), unicode.jsonl (403 hard cases) and hand.jsonl,
// HF's decode output, pairs, and the step-by-step reference pipeline on the same texts.
// Reports the count and the first mismatch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "text/tokenizer.h"
#include "text/tokenizer_impl.h"
#include "text/tokenizer_json.h"
#include "text/unigram_text_model.h"
#include "text/unigram_tokenizer.h"
#include "unigram_test_util.h"

namespace bertq::text {
namespace {

using nlohmann::json;
using testing::kUnigramDir;
using testing::read_jsonl;

json offsets_json(const Encoding& e) {
  json a = json::array();
  for (const auto& [b, end] : e.offsets) a.push_back({b, end});
  return a;
}

// ids and offsets of every line of DIR/{imdb,unicode,hand}.jsonl.
void check_encodings(const Tokenizer& tok, const std::string& dir, const std::string& label) {
  EncodeOptions o;
  o.return_offsets = true;
  for (const char* file : {"imdb.jsonl", "unicode.jsonl", "hand.jsonl"}) {
    const auto lines = read_jsonl(dir + "/" + file);
    size_t ids_ok = 0, offsets_ok = 0;
    std::string first_bad;
    for (const json& g : lines) {
      const Encoding e = tok.encode(g.at("text").get<std::string>(), o);
      const json ids = e.ids, offs = offsets_json(e);
      const bool ids_same = ids == g.at("ids"), offs_same = offs == g.at("offsets");
      ids_ok += ids_same;
      offsets_ok += offs_same;
      if ((!ids_same || !offs_same) && first_bad.empty()) {
        first_bad = cat(file, " id ", g.at("id").get<std::string>(), " text ", g.at("text").dump(),
                        "\n  got      ", ids.dump(), " ", offs.dump(), "\n  expected ",
                        g.at("ids").dump(), " ", g.at("offsets").dump());
      }
    }
    EXPECT_GT(lines.size(), 40u) << file;
    EXPECT_EQ(ids_ok, lines.size()) << label << " " << file << ": ids " << ids_ok << " of "
                                    << lines.size() << " match; first mismatch: " << first_bad;
    EXPECT_EQ(offsets_ok, lines.size())
        << label << " " << file << ": offsets " << offsets_ok << " of " << lines.size()
        << " match; first mismatch: " << first_bad;
    std::printf("[unigram golden] %s %s: ids %zu, offsets %zu of %zu match\n", label.c_str(), file,
                ids_ok, offsets_ok, lines.size());
  }
}

void check_decode(const Tokenizer& tok, const std::string& dir) {
  const auto lines = read_jsonl(dir + "/decode.jsonl");
  size_t ok = 0;
  std::string first_bad;
  for (const json& g : lines) {
    const std::string got = tok.decode(g.at("ids").get<std::vector<int32_t>>(),
                                       g.at("skip_special_tokens").get<bool>());
    if (got == g.at("text").get<std::string>()) {
      ++ok;
    } else if (first_bad.empty()) {
      first_bad = cat(g.at("id").get<std::string>(), " skip ", g.at("skip_special_tokens").dump(),
                      "\n  got      ", json(got).dump(), "\n  expected ", g.at("text").dump());
    }
  }
  EXPECT_GT(lines.size(), 100u);
  EXPECT_EQ(ok, lines.size()) << dir << ": " << ok << " of " << lines.size()
                              << " match; first mismatch: " << first_bad;
}

void check_pairs(const Tokenizer& tok, const std::string& dir) {
  EncodeOptions o;
  o.return_offsets = true;
  const auto lines = read_jsonl(dir + "/pair.jsonl");
  size_t ok = 0;
  std::string first_bad;
  for (const json& g : lines) {
    const Encoding e =
        tok.encode_pair(g.at("text").get<std::string>(), g.at("text_pair").get<std::string>(), o);
    const json ids = e.ids, types = e.type_ids, offs = offsets_json(e);
    if (ids == g.at("ids") && types == g.at("type_ids") && offs == g.at("offsets")) {
      ++ok;
    } else if (first_bad.empty()) {
      first_bad =
          cat(g.at("id").get<std::string>(), "\n  got      ", ids.dump(), types.dump(), offs.dump(),
              "\n  expected ", g.at("ids").dump(), g.at("type_ids").dump(), g.at("offsets").dump());
    }
  }
  EXPECT_GT(lines.size(), 50u);
  EXPECT_EQ(ok, lines.size()) << dir << ": " << ok << " of " << lines.size()
                              << " match; first mismatch: " << first_bad;
}

class UnigramGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(UnigramGolden, IdsAndOffsetsMatchHuggingFace) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = Tokenizer::from_folder(testing::unigram_tokenizer_dir(GetParam()));
  EXPECT_EQ(tok.kind(), TokenizerKind::UNIGRAM);
  check_encodings(tok, kUnigramDir + GetParam(), GetParam());
}

TEST_P(UnigramGolden, DecodeMatchesHuggingFace) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  check_decode(Tokenizer::from_folder(testing::unigram_tokenizer_dir(GetParam())),
               kUnigramDir + GetParam());
}

TEST_P(UnigramGolden, PairsMatchHuggingFace) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  check_pairs(Tokenizer::from_folder(testing::unigram_tokenizer_dir(GetParam())),
              kUnigramDir + GetParam());
}

// A folder with only sentencepiece.bpe.model against the tokenizer transformers' converter
// builds from it in memory.
TEST(UnigramSentencePiece, ModelFolderMatchesHuggingFaceConverter) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const Tokenizer tok = Tokenizer::from_folder(testing::unigram_tokenizer_dir("spm_only"));
  EXPECT_EQ(tok.kind(), TokenizerKind::UNIGRAM);
  check_encodings(tok, kUnigramDir + "spm_only", "spm_only");
  check_decode(tok, kUnigramDir + "spm_only");
  check_pairs(tok, kUnigramDir + "spm_only");
}

// The fast path (ASCII shortcut in the normalizer, trie in the model) against the step-by-step
// reference (graphemes for every character, a hash probe per substring) on every golden text.
TEST_P(UnigramGolden, FastPathMatchesReferenceOnGoldenTexts) {
  BERTQ_REQUIRE_UNIGRAM_REFERENCE();
  const std::string variant = GetParam();
  const std::string path = testing::unigram_tokenizer_dir(variant) + "/tokenizer.json";
  Tokenizer::Impl m;
  load_unigram_tokenizer(m, parse_json_file(path), path);
  const auto& model = dynamic_cast<const UnigramTextModel&>(*m.model);
  size_t n = 0, ok = 0;
  for (const char* file : {"imdb.jsonl", "unicode.jsonl", "hand.jsonl"}) {
    for (const json& g : read_jsonl(kUnigramDir + variant + "/" + file)) {
      const std::string text = g.at("text").get<std::string>();
      std::vector<int32_t> ids, ref_ids;
      Offsets offs, ref_offs;
      model.encode(text, 7, false, ids, offs);
      model.encode_reference(text, 7, false, ref_ids, ref_offs);
      ++n;
      ok += ids == ref_ids && offs == ref_offs;
      EXPECT_EQ(ids, ref_ids) << file << " " << g.at("id");
    }
  }
  EXPECT_EQ(ok, n);
}

INSTANTIATE_TEST_SUITE_P(Variants, UnigramGolden, ::testing::ValuesIn(testing::kUnigramVariants));

}  // namespace
}  // namespace bertq::text
