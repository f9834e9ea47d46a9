// The byte-level BPE kind without the golden files: a tiny tokenizer.json written here (the 256
// byte characters, RoBERTa's special tokens and a few merges that compete for the same bytes).
// Fast paths against their step-by-step references on random strings (pre-tokenizer split,
// BPE merges, the whole text model with its cache), invalid UTF-8, added tokens with lstrip /
// rstrip / normalized, pairs, truncation and overflow windows, save() round trips, merges in
// both forms, vocab.json + merges.txt folders, and malformed documents refused naming the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/utf8.h"
#include "text/added_tokens.h"
#include "text/bpe.h"
#include "text/bpe_cache.h"
#include "text/bpe_text_model.h"
#include "text/byte_level.h"
#include "text/tokenizer.h"

namespace bertq::text {
namespace {

using nlohmann::json;

const std::vector<std::pair<std::string, std::string>> kMerges = {
    {"Ġ", "t"},    {"h", "e"},  {"Ġt", "he"}, {"l", "l"},   {"e", "ll"},   {"h", "ell"},
    {"hell", "o"}, {"Ġ", "w"},  {"o", "r"},   {"Ġw", "or"}, {"l", "d"},    {"Ġwor", "ld"},
    {"a", "a"},    {"aa", "a"}, {"aa", "aa"}, {"Ġ", "a"},   {"Ġa", "a"},   {"Ã", "©"},
    {"'", "s"},    {"Ġ", "Ġ"},  {"ĠĠ", "Ġ"},  {"Ċ", "Ċ"},   {"Ġ", "hello"}};

// tokenizer.json of a RoBERTa-style byte-level BPE over the 256 byte characters and kMerges.
json tiny_document(bool array_merges = false) {
  json vocab = json::object();
  int id = 0;
  for (const char* s : {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}) vocab[s] = id++;
  for (int b = 0; b < 256; ++b) {
    std::string c;
    append_utf8(c, byte_to_codepoint(static_cast<uint8_t>(b)));
    vocab[c] = id++;
  }
  json merges = json::array();
  for (const auto& [l, r] : kMerges) {
    if (!vocab.contains(l + r)) vocab[l + r] = id++;
    merges.push_back(array_merges ? json::array({l, r}) : json(l + " " + r));
  }
  json added = json::array();
  for (int i = 0; i < 5; ++i) {
    const std::string c = std::vector<std::string>{"<s>", "<pad>", "</s>", "<unk>", "<mask>"}[i];
    added.push_back({{"id", i},
                     {"content", c},
                     {"single_word", false},
                     {"lstrip", i == 4},
                     {"rstrip", false},
                     {"normalized", i != 4},
                     {"special", true}});
  }
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", added},
          {"normalizer", nullptr},
          {"pre_tokenizer",
           {{"type", "ByteLevel"},
            {"add_prefix_space", false},
            {"trim_offsets", true},
            {"use_regex", true}}},
          {"post_processor",
           {{"type", "RobertaProcessing"},
            {"sep", {"</s>", 2}},
            {"cls", {"<s>", 0}},
            {"trim_offsets", true},
            {"add_prefix_space", false}}},
          {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}}},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", ""},
            {"end_of_word_suffix", ""},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab},
            {"merges", merges}}}};
}

Tokenizer load(const json& doc, const bertq::testing::TempDir& dir) {
  write_file_atomic(dir.file("tokenizer.json"), doc.dump());
  return Tokenizer::from_tokenizer_json(dir.file("tokenizer.json"));
}

// Random text from pieces that exercise every branch of the pattern and of the merges.
std::string random_text(std::mt19937& rng, size_t pieces) {
  static const char* kPieces[] = {
      "a",  "aa",     "aaaa",   "hello",  "the",    " ",   "  ",   "\t",   "\n",     "\r\n",   "'",
      "'s", "'S",     "'ll",    "'re",    "x",      "Q",   "7",    "42",   "٣",      "é",      "北",
      "😀",  "\u00a0", "\u3000", "\u2028", ".",      "!?",  "-",    "_",    "\u0301", "\u200b", "Ⅻ",
      "²",  "world",  "<",      ">",      "<mask>", "<s>", "\x01", "\x7f", "ﬁ"};
  std::string s;
  for (size_t i = 0; i < pieces; ++i) s += kPieces[rng() % (sizeof(kPieces) / sizeof(*kPieces))];
  return s;
}

TEST(ByteLevel, AlphabetIsABijectionOntoPrintableCharacters) {
  std::vector<bool> seen(512, false);
  for (int b = 0; b < 256; ++b) {
    const uint32_t cp = byte_to_codepoint(static_cast<uint8_t>(b));
    ASSERT_LT(cp, 512u);
    EXPECT_FALSE(seen[cp]) << "byte " << b;
    seen[cp] = true;
    EXPECT_EQ(codepoint_to_byte(cp), b);
  }
  EXPECT_EQ(byte_to_codepoint(' '), 0x120u);   // 'Ġ'
  EXPECT_EQ(byte_to_codepoint('\n'), 0x10Au);  // 'Ċ'
  EXPECT_EQ(byte_to_codepoint('a'), uint32_t('a'));
  EXPECT_EQ(codepoint_to_byte(' '), -1);
  EXPECT_EQ(codepoint_to_byte(0x4E2D), -1);
}

std::vector<std::string> split_strings(std::string_view s, bool reference) {
  std::vector<Span> spans;
  (reference ? split_gpt2_reference : split_gpt2)(s, spans);
  std::vector<std::string> out;
  for (const Span& p : spans) out.emplace_back(s.substr(p.begin, p.end - p.begin));
  return out;
}

TEST(ByteLevel, SplitFollowsThePattern) {
  // Read off the pattern by hand: contractions (lowercase only: "'S" is punctuation then a
  // letter), optional space before a class run, and a whitespace run leaving its last
  // character to the next piece.
  const std::vector<std::string> expected = {"I", "'m",  " ",  " here", "'",
                                             "S", " 42", "!!", "\n\n"};
  EXPECT_EQ(split_strings("I'm  here'S 42!!\n\n", false), expected);
  EXPECT_EQ(split_strings("I'm  here'S 42!!\n\n", true), expected);
}

TEST(ByteLevel, SplitMatchesReferenceOnRandomText) {
  std::mt19937 rng(7);
  for (int t = 0; t < 3000; ++t) {
    const std::string s = random_text(rng, 1 + rng() % 30);
    const auto fast = split_strings(s, false), ref = split_strings(s, true);
    ASSERT_EQ(fast, ref) << json(s).dump();
    std::string joined;
    for (const auto& p : fast) joined += p;
    ASSERT_EQ(joined, s);
  }
}

TEST(Bpe, HeapMergesMatchReferenceOnRandomWords) {
  bertq::testing::TempDir dir;
  const json doc = tiny_document();
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const auto& [k, v] : doc["model"]["vocab"].items()) pairs.emplace_back(k, v.get<int64_t>());
  const Vocab vocab = Vocab::from_pairs(pairs, "tiny");
  for (const bool ignore_merges : {false, true}) {
    BpeOptions opt;
    opt.ignore_merges = ignore_merges;
    const Bpe bpe(vocab, kMerges, opt, "tiny");
    std::mt19937 rng(11);
    static const char* kBits[] = {"a", "h", "e", "l", "o",  " ", "w",
                                  "r", "d", "t", "é", "\n", "'s"};
    for (int t = 0; t < 5000; ++t) {
      std::string w;
      const size_t n = 1 + rng() % 24;
      for (size_t i = 0; i < n; ++i) w += kBits[rng() % (sizeof(kBits) / sizeof(*kBits))];
      std::vector<BpeToken> fast, ref;
      bpe.tokenize(w, fast);
      bpe.tokenize_reference(w, ref);
      ASSERT_EQ(fast.size(), ref.size()) << json(w).dump();
      for (size_t i = 0; i < fast.size(); ++i) {
        ASSERT_EQ(fast[i].id, ref[i].id) << json(w).dump() << " token " << i;
        ASSERT_EQ(fast[i].begin, ref[i].begin) << json(w).dump() << " token " << i;
        ASSERT_EQ(fast[i].end, ref[i].end) << json(w).dump() << " token " << i;
      }
    }
  }
}

TEST(Bpe, MergesAreAppliedByRank) {
  const json doc = tiny_document();
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const auto& [k, v] : doc["model"]["vocab"].items()) pairs.emplace_back(k, v.get<int64_t>());
  const Vocab vocab = Vocab::from_pairs(pairs, "tiny");
  const Bpe bpe(vocab, kMerges, {}, "tiny");
  std::vector<BpeToken> t;
  // a a -> aa (rank 12) at 0 and at 2: aa aa a; then aa a (rank 13) before aa aa (rank 14).
  bpe.tokenize("aaaaa", t);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(vocab.token(t[0].id), "aa");
  EXPECT_EQ(vocab.token(t[1].id), "aaa");
  EXPECT_EQ(t[1].begin, 2u);
  EXPECT_EQ(t[1].end, 5u);
}

// The text model with its per-thread cache against the step-by-step path, on more distinct
// words than the cache holds (it is emptied and refilled on the way).
TEST(BpeTextModel, EncodeMatchesReferenceBeyondTheCacheBound) {
  const json doc = tiny_document();
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const auto& [k, v] : doc["model"]["vocab"].items()) pairs.emplace_back(k, v.get<int64_t>());
  const Vocab vocab = Vocab::from_pairs(pairs, "tiny");
  for (const bool prefix : {false, true}) {
    const BpeTextModel model(vocab, Bpe(vocab, kMerges, {}, "tiny"), {prefix, true});
    std::mt19937 rng(3);
    const size_t rounds = BpeCache::kMaxEntries + 4000;
    for (size_t t = 0; t < rounds; ++t) {
      // A distinct word every time (the counter), mixed with the random pieces.
      const std::string s = random_text(rng, rng() % 6) + "w" + std::to_string(t);
      std::vector<int32_t> ids, rids;
      Offsets off, roff;
      model.encode(s, 3, true, ids, off);
      model.encode_reference(s, 3, true, rids, roff);
      ASSERT_EQ(ids, rids) << json(s).dump();
      ASSERT_EQ(off, roff) << json(s).dump();
    }
  }
}

TEST(BpeTokenizer, InvalidUtf8IsRefusedOrReplaced) {
  bertq::testing::TempDir dir;
  const Tokenizer tok = load(tiny_document(), dir);
  try {
    tok.encode(
        "<s>ab\xff"
        "cd");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("byte offset 5"), std::string::npos) << e.what();
  }
  // As HF would see it: U+FFFD, whose bytes EF BF BD go through the byte-level alphabet; its
  // tokens cover the invalid bytes.
  EncodeOptions o;
  o.replace_invalid_utf8 = true;
  o.return_offsets = true;
  const Encoding got = tok.encode(
      "ab\xff\xfe"
      "cd",
      o);
  const Encoding want = tok.encode(
      "ab\xEF\xBF\xBD\xEF\xBF\xBD"
      "cd",
      o);
  EXPECT_EQ(got.ids, want.ids);
  // <s> a b, 3 + 3 bytes of the two replacement characters (no merges), c d </s>.
  ASSERT_EQ(got.offsets.size(), 12u);
  for (size_t i = 3; i < 6; ++i) EXPECT_EQ(got.offsets[i], std::make_pair(2u, 3u)) << i;
  for (size_t i = 6; i < 9; ++i) EXPECT_EQ(got.offsets[i], std::make_pair(3u, 4u)) << i;
  EXPECT_EQ(got.offsets[9], std::make_pair(4u, 5u));
}

TEST(BpeTokenizer, AddedTokensStripWhitespaceAsHuggingFace) {
  AddedTokens added;
  AddedToken mask{"<mask>", 4, true};
  mask.lstrip = true;
  added.add(mask);
  AddedToken r{"<r>", 5, true};
  r.rstrip = true;
  added.add(r);
  AddedToken norm{"<s>", 0, true};
  norm.normalized = true;
  added.add(norm);
  std::vector<std::string> parts;
  const std::string text = "a \t<mask><r> \u3000b<mask> <s>";
  added.split(
      text, [&](size_t b, size_t e) { parts.push_back("text " + text.substr(b, e - b)); },
      [&](int32_t id, size_t b, size_t e) {
        parts.push_back(cat("token ", id, " ", text.substr(b, e - b)));
      });
  // lstrip takes " \t" but not past the previous match; rstrip takes " \u3000"; pass 2 finds
  // the normalized <s> in the text left between pass-1 matches.
  const std::vector<std::string> expected = {
      "text a", "token 4  \t<mask>", "token 5 <r> \u3000", "text b", "token 4 <mask>",
      "text  ", "token 0 <s>"};
  EXPECT_EQ(parts, expected);
}

TEST(BpeTokenizer, PairsTruncationAndOverflowKeepTokensAndOffsets) {
  bertq::testing::TempDir dir;
  const Tokenizer tok = load(tiny_document(), dir);
  const std::string a = "hello world the aaaa hello 42 'sx", b = " the world\n\nhello";
  EncodeOptions o;
  o.return_offsets = true;
  const Encoding full_a = tok.encode(a, o), full_b = tok.encode(b, o);
  const Encoding pair = tok.encode_pair(a, b, o);
  // <s> A </s> </s> B </s>, every type id 0, each sequence's offsets into its own text.
  const size_t na = full_a.size() - 2, nb = full_b.size() - 2;
  ASSERT_EQ(pair.size(), na + nb + 4);
  EXPECT_EQ(pair.ids[0], tok.cls_id());
  EXPECT_EQ(pair.ids[na + 1], tok.sep_id());
  EXPECT_EQ(pair.ids[na + 2], tok.sep_id());
  EXPECT_EQ(pair.ids.back(), tok.sep_id());
  EXPECT_EQ(pair.type_ids, std::vector<int32_t>(pair.size(), 0));
  for (size_t i = 0; i < nb; ++i) {
    EXPECT_EQ(pair.ids[na + 3 + i], full_b.ids[1 + i]);
    EXPECT_EQ(pair.offsets[na + 3 + i], full_b.offsets[1 + i]);
  }
  const size_t n = full_a.size() - 2;
  ASSERT_GT(n, 8u);
  for (const Truncation t : {Truncation::HEAD, Truncation::TAIL, Truncation::HEAD_TAIL}) {
    EncodeOptions to = o;
    to.max_length = 8;
    to.truncation = t;
    to.head_tokens = 2;
    const Encoding e = tok.encode(a, to);
    ASSERT_EQ(e.size(), 8u);
    const size_t head = t == Truncation::HEAD ? 6 : t == Truncation::TAIL ? 0 : 2;
    for (size_t i = 0; i < 6; ++i) {
      const size_t src = i < head ? 1 + i : 1 + n - (6 - i);
      EXPECT_EQ(e.ids[1 + i], full_a.ids[src]) << truncation_name(t) << " " << i;
      EXPECT_EQ(e.offsets[1 + i], full_a.offsets[src]) << truncation_name(t) << " " << i;
    }
  }
  EncodeOptions wo = o;
  wo.max_length = 6;
  wo.stride = 1;
  wo.return_overflow = true;
  const Encoding w = tok.encode(a, wo);
  std::vector<Encoding> windows = {w};
  windows.insert(windows.end(), w.overflow.begin(), w.overflow.end());
  size_t next = 0;  // the first content token a window must start at or before
  for (const Encoding& win : windows) {
    ASSERT_GE(win.size(), 3u);
    EXPECT_EQ(win.ids.front(), tok.cls_id());
    EXPECT_EQ(win.ids.back(), tok.sep_id());
    const size_t k = win.size() - 2;
    // Find where this window's content sits in the full content.
    size_t at = 0;
    while (at + k <= n && !std::equal(win.ids.begin() + 1, win.ids.end() - 1,
                                      full_a.ids.begin() + 1 + static_cast<long>(at))) {
      ++at;
    }
    ASSERT_LE(at + k, n) << "window not found in the full encoding";
    EXPECT_LE(at, next);
    next = at + k;
  }
  EXPECT_EQ(next, n);
}

TEST(BpeTokenizer, SaveRoundTripsAndArrayMergesAreTheSame) {
  bertq::testing::TempDir dir, saved, arrays;
  const Tokenizer tok = load(tiny_document(), dir);
  tok.save(saved.path());
  const Tokenizer again = Tokenizer::from_folder(saved.path());
  const Tokenizer arr = load(tiny_document(true), arrays);
  std::mt19937 rng(5);
  EncodeOptions o;
  o.return_offsets = true;
  for (int t = 0; t < 300; ++t) {
    const std::string s = random_text(rng, rng() % 20);
    const Encoding e = tok.encode(s, o);
    EXPECT_EQ(again.encode(s, o).ids, e.ids) << json(s).dump();
    EXPECT_EQ(again.encode(s, o).offsets, e.offsets) << json(s).dump();
    EXPECT_EQ(arr.encode(s, o).ids, e.ids) << json(s).dump();
    if (s.find('<') == std::string::npos) {  // no special tokens, which decode() skips
      EXPECT_EQ(tok.decode(e.ids), s) << "byte-level decoding is lossless";
    }
  }
  EXPECT_EQ(again.mask_id(), 4);
  EXPECT_EQ(again.pad_id(), 1);
}

TEST(BpeTokenizer, VocabJsonMergesFolderIsTheTokenizerJsonOne) {
  bertq::testing::TempDir dir, slow;
  const json doc = tiny_document();
  const Tokenizer tok = load(doc, dir);
  write_file_atomic(slow.file("vocab.json"), doc["model"]["vocab"].dump());
  std::string merges = "#version: 0.2\n";
  for (const auto& [l, r] : kMerges) merges += l + " " + r + "\n";
  write_file_atomic(slow.file("merges.txt"), merges);
  const Tokenizer from_files = Tokenizer::from_folder(slow.path());
  std::mt19937 rng(9);
  EncodeOptions o;
  o.return_offsets = true;
  for (int t = 0; t < 300; ++t) {
    const std::string s = random_text(rng, rng() % 20);
    EXPECT_EQ(from_files.encode(s, o).ids, tok.encode(s, o).ids) << json(s).dump();
    EXPECT_EQ(from_files.encode(s, o).offsets, tok.encode(s, o).offsets) << json(s).dump();
  }
  // A line that is not two tokens, and a special token the vocabulary lacks, are named.
  write_file_atomic(slow.file("merges.txt"), "#version: 0.2\nĠ t\nhe\n");
  try {
    Tokenizer::from_folder(slow.path());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("merges.txt: line 3"), std::string::npos) << e.what();
  }
  write_file_atomic(slow.file("merges.txt"), merges);
  // added_tokens.json may repeat vocab.json, not add to it.
  write_file_atomic(slow.file("added_tokens.json"), R"({"<mask>": 4})");
  EXPECT_EQ(Tokenizer::from_folder(slow.path()).mask_id(), 4);
  write_file_atomic(slow.file("added_tokens.json"), R"({"<new>": 9999})");
  try {
    Tokenizer::from_folder(slow.path());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("added_tokens.json: <new>"), std::string::npos)
        << e.what();
  }
  std::filesystem::remove(slow.file("added_tokens.json"));
  write_file_atomic(slow.file("tokenizer_config.json"), R"({"mask_token": "[MASK]"})");
  try {
    Tokenizer::from_folder(slow.path());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mask_token"), std::string::npos) << e.what();
  }
}

TEST(BpeTokenizer, MalformedOrUnsupportedDocumentsNameTheField) {
  struct Case {
    const char* pointer;
    json value;
    ErrorCode code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"/model/merges/0", "Ġ zzz", ErrorCode::CORRUPT_FILE, "model.merges[0]"},
      {"/model/merges/1", "he", ErrorCode::CORRUPT_FILE, "model.merges[1]"},
      {"/model/merges/1", "h e x", ErrorCode::CORRUPT_FILE, "model.merges[1]"},
      {"/model/merges/2", json::array({"Ġt"}), ErrorCode::CORRUPT_FILE, "model.merges[2]"},
      {"/model/merges/2", 5, ErrorCode::CORRUPT_FILE, "model.merges[2]"},
      {"/model/merges", "x", ErrorCode::CORRUPT_FILE, "model.merges"},
      {"/model/unk_token", "<nope>", ErrorCode::CORRUPT_FILE, "model.unk_token"},
      {"/model/dropout", 0.1, ErrorCode::UNSUPPORTED, "model.dropout"},
      {"/model/byte_fallback", true, ErrorCode::UNSUPPORTED, "model.byte_fallback"},
      {"/model/continuing_subword_prefix", "##", ErrorCode::UNSUPPORTED,
       "model.continuing_subword_prefix"},
      {"/model/end_of_word_suffix", "</w>", ErrorCode::UNSUPPORTED, "model.end_of_word_suffix"},
      {"/normalizer", {{"type", "NFC"}}, ErrorCode::UNSUPPORTED, "normalizer.type"},
      {"/pre_tokenizer/type", "Whitespace", ErrorCode::UNSUPPORTED, "pre_tokenizer.type"},
      {"/decoder/type", "WordPiece", ErrorCode::UNSUPPORTED, "decoder.type"},
      {"/post_processor/type", "Sequence", ErrorCode::UNSUPPORTED, "post_processor.type"},
      {"/added_tokens/4/single_word", true, ErrorCode::UNSUPPORTED, "added_tokens[4].single_word"},
      {"/added_tokens/4/id", 7, ErrorCode::UNSUPPORTED, "added_tokens[4].id"},
  };
  bertq::testing::TempDir dir;
  for (const Case& c : cases) {
    json j = tiny_document();
    j[json::json_pointer(c.pointer)] = c.value;
    try {
      load(j, dir);
      ADD_FAILURE() << c.pointer << " = " << c.value.dump() << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), c.code) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
  }
  // A tokenizer_config.json that would override tokenizer.json's add_prefix_space or
  // trim_offsets is refused; trim_offsets only where the post-processor has it (as
  // transformers only rewrites a post-processor that has it).
  write_file_atomic(dir.file("tokenizer.json"), tiny_document().dump());
  for (const char* cfg : {R"({"add_prefix_space": true})", R"({"trim_offsets": false})"}) {
    write_file_atomic(dir.file("tokenizer_config.json"), cfg);
    EXPECT_THROW(Tokenizer::from_folder(dir.path()), Error) << cfg;
  }
  json no_post = tiny_document();
  no_post["post_processor"] = nullptr;
  write_file_atomic(dir.file("tokenizer.json"), no_post.dump());
  EXPECT_EQ(Tokenizer::from_folder(dir.path()).num_special_tokens(false), 0u);
}

}  // namespace
}  // namespace bertq::text
