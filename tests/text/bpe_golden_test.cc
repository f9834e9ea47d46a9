// Exactness of the byte-level BPE tokenizer against Hugging Face tokenizers: every line of the
// goldens scripts/reference/bpe_reference.py writes to BUILD/tokenizer-reference/bpe/ ({"id",
// "text", ["text_pair",] "ids", "type_ids", "sequence_ids", "char_offsets", "offsets",
// "decoded"}) must encode to exactly those ids and type ids, and decode(ids) to "decoded".
// Offsets: our byte offsets must equal "offsets" (the byte offsets of the characters HF's
// Python binding reports, see offset_trim.h) on every line, and, converted to characters as
// tokenizers' BytesToCharOffsetConverter does, "char_offsets" as HF returned them. Offsets
// inside a character are counted (there should be none). Checked for
// the tokenizer.json folder, the vocab.json + merges.txt folder, and the tokenizer.json variants
// (add_prefix_space, no trim_offsets, ByteLevel post-processor, no regex). Reports the count per
// file and the first mismatch (id, text, got, expected).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/line_reader.h"
#include "text/bpe_text_model.h"
#include "text/tokenizer.h"

namespace bertq::text {
namespace {

using nlohmann::json;

const std::string kBpeDir = std::string(BERTQ_BINARY_DIR) + "/tokenizer-reference/bpe/";

#define BERTQ_REQUIRE_BPE_REFERENCE()                                     \
  if (!std::filesystem::exists(kBpeDir + "hand.jsonl"))                   \
  GTEST_SKIP() << kBpeDir << " is absent: scripts/test.sh makes it with " \
               << ".venv/bin/python scripts/reference/bpe_reference.py " << kBpeDir

struct Golden {
  std::string id, text, pair;
  bool has_pair = false;
  std::vector<int32_t> ids, type_ids, sequence_ids;  // sequence -1: special token
  std::vector<std::pair<uint32_t, uint32_t>> char_offsets;
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  std::string decoded;
};

std::vector<Golden> read_goldens(const std::string& path) {
  std::vector<Golden> out;
  LineReader r(path);
  std::string line;
  while (r.next(line)) {
    const json j = json::parse(line);
    Golden g;
    g.id = j.at("id").get<std::string>();
    g.text = j.at("text").get<std::string>();
    g.has_pair = j.contains("text_pair");
    if (g.has_pair) g.pair = j.at("text_pair").get<std::string>();
    g.ids = j.at("ids").get<std::vector<int32_t>>();
    g.type_ids = j.at("type_ids").get<std::vector<int32_t>>();
    for (const auto& o : j.at("offsets")) g.offsets.emplace_back(o[0], o[1]);
    for (const auto& o : j.at("char_offsets")) g.char_offsets.emplace_back(o[0], o[1]);
    for (const auto& s : j.at("sequence_ids")) g.sequence_ids.push_back(s.is_null() ? -1 : int(s));
    g.decoded = j.at("decoded").get<std::string>();
    out.push_back(std::move(g));
  }
  return out;
}

std::string show(const std::vector<int32_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(v[i]);
  }
  return s;
}
std::string show(const std::vector<std::pair<uint32_t, uint32_t>>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    s += cat(i ? "," : "", "[", v[i].first, ",", v[i].second, "]");
  }
  return s;
}

struct Counts {
  size_t total = 0, ids = 0, offsets = 0, char_offsets = 0, mid_char = 0, decoded = 0;
};

// tokenizers' BytesToCharOffsetConverter::convert over `text`: each byte maps to the index of
// its character, the text's end to the number of characters; a pair it cannot map is left as
// it is.
std::pair<uint32_t, uint32_t> to_char(const std::string& text, std::pair<uint32_t, uint32_t> o) {
  std::vector<uint32_t> map;  // character index of each byte, then of the end
  uint32_t c = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && (static_cast<uint8_t>(text[i]) & 0xC0) != 0x80) ++c;
    map.push_back(c);
  }
  map.push_back(text.empty() ? 0 : c + 1);
  if (o.first >= map.size() || o.second >= map.size()) return o;
  return {map[o.first], map[o.second]};
}

bool on_boundary(const std::string& text, uint32_t b) {
  return b >= text.size() || (static_cast<uint8_t>(text[b]) & 0xC0) != 0x80;
}

// Compares every line of `file` encoded by tok, reporting the first mismatch of each kind.
Counts check_file(const Tokenizer& tok, const std::string& file, const std::string& what) {
  Counts c;
  std::string first_bad;
  EncodeOptions o;
  o.return_offsets = true;
  for (const Golden& g : read_goldens(kBpeDir + file)) {
    ++c.total;
    const Encoding e = g.has_pair ? tok.encode_pair(g.text, g.pair, o) : tok.encode(g.text, o);
    const bool ids_ok = e.ids == g.ids && e.type_ids == g.type_ids;
    bool mid_char = false, char_ok = e.offsets.size() == g.char_offsets.size() &&
                                     e.ids.size() == g.sequence_ids.size();
    for (size_t i = 0; char_ok && i < e.offsets.size(); ++i) {
      const int s = g.sequence_ids[i];
      if (s < 0) {
        char_ok = e.offsets[i] == g.char_offsets[i];
        continue;
      }
      const std::string& t = s == 0 ? g.text : g.pair;
      mid_char |= !on_boundary(t, e.offsets[i].first) || !on_boundary(t, e.offsets[i].second);
      char_ok = to_char(t, e.offsets[i]) == g.char_offsets[i];
    }
    const bool off_ok = e.offsets == g.offsets;
    c.char_offsets += char_ok;
    c.mid_char += mid_char;
    const std::string decoded = tok.decode(e.ids);
    const bool dec_ok = decoded == g.decoded;
    c.ids += ids_ok;
    c.offsets += off_ok;
    c.decoded += dec_ok;
    if ((!ids_ok || !off_ok || !char_ok || !dec_ok) && first_bad.empty()) {
      first_bad = cat(file, " id ", g.id, " text ", json(g.text).dump(),
                      g.has_pair ? " pair " + json(g.pair).dump() : "", "\n  ids      [",
                      show(e.ids), "]\n  expected [", show(g.ids), "]\n  offsets  [",
                      show(e.offsets), "]\n  expected [", show(g.offsets), "]\n  decoded  ",
                      json(decoded).dump(), "\n  expected ", json(g.decoded).dump());
    }
  }
  EXPECT_GT(c.total, 0u) << file;
  EXPECT_EQ(c.ids, c.total) << what << ": ids " << c.ids << " of " << c.total
                            << " match; first mismatch: " << first_bad;
  EXPECT_EQ(c.offsets, c.total) << what << ": offsets " << c.offsets << " of " << c.total
                                << " match; first mismatch: " << first_bad;
  EXPECT_EQ(c.char_offsets, c.total) << what << ": character offsets " << c.char_offsets << " of "
                                     << c.total << " match; first mismatch: " << first_bad;
  EXPECT_EQ(c.decoded, c.total) << what << ": decode " << c.decoded << " of " << c.total
                                << " match; first mismatch: " << first_bad;
  std::printf(
      "[bpe golden] %s %s: of %zu lines, ids %zu, byte offsets %zu, character offsets %zu, "
      "decode %zu match (%zu lines with an offset inside a character)\n",
      what.c_str(), file.c_str(), c.total, c.ids, c.offsets, c.char_offsets, c.decoded, c.mid_char);
  return c;
}

void check_main_goldens(const Tokenizer& tok, const std::string& what) {
  EXPECT_EQ(check_file(tok, "imdb_test_2000.jsonl", what).total, 2000u);
  EXPECT_EQ(check_file(tok, "unicode.jsonl", what).total, 403u);
  check_file(tok, "hand.jsonl", what);
  EXPECT_EQ(check_file(tok, "random.jsonl", what).total, 2000u);
  check_file(tok, "pairs.jsonl", what);
}

TEST(BpeGolden, TokenizerJsonFolderMatchesHuggingFace) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  const Tokenizer tok = Tokenizer::from_folder(kBpeDir + "fast");
  EXPECT_EQ(tok.kind(), TokenizerKind::BPE);
  EXPECT_EQ(tok.model_max_length(), 512);
  check_main_goldens(tok, "tokenizer.json");
}

TEST(BpeGolden, VocabJsonMergesFolderMatchesHuggingFace) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  ASSERT_FALSE(std::filesystem::exists(kBpeDir + "slow/tokenizer.json"));
  const Tokenizer tok = Tokenizer::from_folder(kBpeDir + "slow");
  EXPECT_EQ(tok.kind(), TokenizerKind::BPE);
  check_main_goldens(tok, "vocab.json + merges.txt");
}

// save() of both folders writes a tokenizer.json that encodes as HF does.
TEST(BpeGolden, SavedFoldersMatchHuggingFace) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  for (const char* folder : {"fast", "slow"}) {
    bertq::testing::TempDir dir;
    Tokenizer::from_folder(kBpeDir + folder).save(dir.path());
    ASSERT_TRUE(std::filesystem::exists(dir.file("tokenizer.json")));
    const Tokenizer tok = Tokenizer::from_folder(dir.path());
    check_file(tok, "hand.jsonl", cat("saved ", folder));
    check_file(tok, "unicode.jsonl", cat("saved ", folder));
  }
}

TEST(BpeGolden, VariantsMatchHuggingFace) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  for (const char* v : {"prefix_space", "no_trim", "bytelevel_post", "no_regex"}) {
    const Tokenizer tok = Tokenizer::from_tokenizer_json(kBpeDir + v + "/tokenizer.json");
    check_file(tok, std::string(v) + ".jsonl", v);
  }
}

// The step-by-step path (split_gpt2_reference, Bpe::tokenize_reference, no cache) on the texts
// without added tokens: the content ids between <s> and </s>.
TEST(BpeGolden, ReferencePipelineMatchesHuggingFace) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  const json doc = json::parse(read_file(kBpeDir + "fast/tokenizer.json"));
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const auto& [k, v] : doc["model"]["vocab"].items()) pairs.emplace_back(k, v.get<int64_t>());
  const Vocab vocab = Vocab::from_pairs(pairs, "vocab");
  std::vector<std::pair<std::string, std::string>> merges;
  for (const auto& m : doc["model"]["merges"]) {
    const std::string s = m.get<std::string>();
    merges.emplace_back(s.substr(0, s.find(' ')), s.substr(s.find(' ') + 1));
  }
  const BpeTextModel model(vocab, Bpe(vocab, merges, {}, "merges"), {false, true});
  size_t total = 0, ok = 0;
  std::string first_bad;
  for (const char* file : {"imdb_test_2000.jsonl", "unicode.jsonl", "hand.jsonl", "random.jsonl"}) {
    for (const Golden& g : read_goldens(kBpeDir + file)) {
      bool added = false;
      for (const char* t : {"<s>", "</s>", "<pad>", "<unk>", "<mask>"}) {
        added |= g.text.find(t) != std::string::npos;
      }
      if (added) continue;
      ++total;
      std::vector<int32_t> ids;
      Offsets offsets;
      model.encode_reference(g.text, 0, false, ids, offsets);
      const std::vector<int32_t> want(g.ids.begin() + 1, g.ids.end() - 1);
      if (ids == want) {
        ++ok;
      } else if (first_bad.empty()) {
        first_bad = cat(file, " id ", g.id, "\n  got      [", show(ids), "]\n  expected [",
                        show(want), "]");
      }
    }
  }
  EXPECT_GT(total, 2400u);
  EXPECT_EQ(ok, total) << ok << " of " << total << " match; first mismatch: " << first_bad;
  std::printf("[bpe golden] reference pipeline: %zu of %zu match\n", ok, total);
}

TEST(BpeGolden, BatchEncodingMatchesSingleEncoding) {
  BERTQ_REQUIRE_BPE_REFERENCE();
  const Tokenizer tok = Tokenizer::from_folder(kBpeDir + "fast");
  std::vector<std::string> texts;
  std::vector<Golden> goldens = read_goldens(kBpeDir + "unicode.jsonl");
  for (const Golden& g : goldens) texts.push_back(g.text);
  EncodeOptions o;
  o.return_offsets = true;
  const auto batch = tok.encode_batch(texts, o, 3);
  ASSERT_EQ(batch.size(), goldens.size());
  for (size_t i = 0; i < goldens.size(); ++i) {
    EXPECT_EQ(batch[i].ids, goldens[i].ids) << goldens[i].id;
    EXPECT_EQ(batch[i].offsets, goldens[i].offsets) << goldens[i].id;
  }
}

}  // namespace
}  // namespace bertq::text
