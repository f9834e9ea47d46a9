// Exactness against Hugging Face tokenizers: every line of ../shared/golden/tokenizer/*.jsonl.gz
// ({"id", "text", "ids"}, made by HF tokenizers from bert-base-uncased's tokenizer.json, see
// its README) must encode to exactly `ids`. Checked for the tokenizer loaded from
// tokenizer.json, from vocab.txt + tokenizer_config.json, and for the step-by-step reference
// pipeline. Reports the count and the first mismatch (id, text, got, expected).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/test_util.h"
#include "core/error.h"
#include "core/line_reader.h"
#include "core/thread_pool.h"
#include "text/reference_encoder.h"
#include "text/tokenizer.h"
#include "text/vocab.h"

namespace bertq::text {
namespace {

struct GoldenLine {
  std::string id, text;
  std::vector<int32_t> ids;
};

std::vector<GoldenLine> read_golden(const std::string& path) {
  std::vector<GoldenLine> out;
  LineReader r(path);
  std::string line;
  while (r.next(line)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j.at("id").get<std::string>(), j.at("text").get<std::string>(),
                   j.at("ids").get<std::vector<int32_t>>()});
  }
  return out;
}

std::string join(const std::vector<int32_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(v[i]);
  }
  return s;
}

// Counts matching lines of both golden files with `encode`, reporting the first mismatch.
template <typename EncodeFn>
void check_golden(const std::string& dir, EncodeFn encode, const char* what) {
  size_t total = 0, ok = 0;
  std::string first_bad;
  for (const char* file : {"imdb_train_2000.jsonl.gz", "unicode.jsonl.gz"}) {
    for (const auto& g : read_golden(dir + "/" + file)) {
      ++total;
      const std::vector<int32_t> got = encode(g.text);
      if (got == g.ids) {
        ++ok;
      } else if (first_bad.empty()) {
        first_bad = cat(file, " id ", g.id, " text ", nlohmann::json(g.text).dump(),
                        "\n  got      [", join(got), "]\n  expected [", join(g.ids), "]");
      }
    }
  }
  EXPECT_EQ(total, 2403u) << "golden files changed?";
  EXPECT_EQ(ok, total) << what << ": " << ok << " of " << total
                       << " match; first mismatch: " << first_bad;
  std::printf("[golden] %s: %zu of %zu match\n", what, ok, total);
}

TEST(Golden, TokenizerJsonMatchesHuggingFace) {
  BERTQ_REQUIRE_SHARED(dir, "golden/tokenizer");
  BERTQ_REQUIRE_SHARED(tj, "data/bert-base-uncased/tokenizer.json");
  const Tokenizer tok = Tokenizer::from_tokenizer_json(tj);
  check_golden(
      dir, [&](const std::string& t) { return tok.encode(t).ids; }, "tokenizer.json");
}

TEST(Golden, VocabFolderMatchesHuggingFace) {
  BERTQ_REQUIRE_SHARED(dir, "golden/tokenizer");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  // The folder without tokenizer.json: vocab.txt + tokenizer_config.json.
  testing::TempDir tmp;
  const std::string src = std::filesystem::path(vocab).parent_path().string();
  std::filesystem::copy_file(vocab, tmp.file("vocab.txt"));
  std::filesystem::copy_file(src + "/tokenizer_config.json", tmp.file("tokenizer_config.json"));
  const Tokenizer tok = Tokenizer::from_folder(tmp.path());
  EXPECT_EQ(tok.model_max_length(), 512);
  check_golden(
      dir, [&](const std::string& t) { return tok.encode(t).ids; }, "vocab.txt folder");
}

TEST(Golden, ReferencePipelineMatchesHuggingFace) {
  BERTQ_REQUIRE_SHARED(dir, "golden/tokenizer");
  BERTQ_REQUIRE_SHARED(vocab_path, "data/bert-base-uncased/vocab.txt");
  const Vocab vocab = Vocab::from_file(vocab_path);
  const WordPiece wp(vocab, {});
  const NormalizerConfig cfg;
  check_golden(
      dir,
      [&](const std::string& t) {
        std::vector<int32_t> ids{101};
        Offsets offsets;
        reference_encode(cfg, wp, t, 0, false, ids, offsets);
        ids.push_back(102);
        return ids;
      },
      "reference pipeline");
}

TEST(Golden, BatchEncodingMatchesSingleEncoding) {
  BERTQ_REQUIRE_SHARED(dir, "golden/tokenizer");
  BERTQ_REQUIRE_SHARED(tj, "data/bert-base-uncased/tokenizer.json");
  const Tokenizer tok = Tokenizer::from_tokenizer_json(tj);
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> expected;
  for (const auto& g : read_golden(dir + "/unicode.jsonl.gz")) {
    texts.push_back(g.text);
    expected.push_back(g.ids);
  }
  const auto batch = tok.encode_batch(texts, {}, 4);
  ASSERT_EQ(batch.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(batch[i].ids, expected[i]) << "text " << i;
  ThreadPool pool(3);
  const auto on_pool = tok.encode_batch(texts, {}, pool);
  ASSERT_EQ(on_pool.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(on_pool[i].ids, expected[i]) << "text " << i;
}

}  // namespace
}  // namespace bertq::text
