// WordPiece vocabulary training: layout (specials, alphabet, ## characters, merges), the
// merge order on a corpus small enough to follow by hand, stopping rules, determinism, and
// that a trained vocabulary tokenizes its corpus words into few pieces.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "text/tokenizer.h"
#include "text/vocab_trainer.h"

namespace bertq::text {
namespace {

size_t index_of(const std::vector<std::string>& v, const std::string& t) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), t) - v.begin());
}

TEST(VocabTrainer, SpecialsAlphabetThenMergesInFrequencyOrder) {
  VocabTrainer t({.vocab_size = 100, .min_frequency = 1});
  // "ab" x5, "abc" x3, "x" x1. Pairs: (a,##b) 8, (##b,##c) 3.
  for (int i = 0; i < 5; ++i) t.add_text("AB");
  for (int i = 0; i < 3; ++i) t.add_text("abc!");
  t.add_text("x");
  const auto v = t.train();
  const std::vector<std::string> want = {
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
      "!",     "a",     "b",     "c",     "x",  // alphabet, code-point order
      "##b",   "##c",                           // continuations, as met
      "ab",    "abc"};                          // merges: 8, then 3
  EXPECT_EQ(v, want);
}

TEST(VocabTrainer, StopsAtVocabSizeAndMinFrequency) {
  VocabTrainer t({.vocab_size = 12, .min_frequency = 1});  // 13 without the limit
  for (int i = 0; i < 5; ++i) t.add_text("ab abc abc");
  EXPECT_EQ(t.train().size(), 12u);
  VocabTrainer rare({.vocab_size = 100, .min_frequency = 4});
  for (int i = 0; i < 3; ++i) rare.add_text("abc");
  const auto v = rare.train();
  EXPECT_EQ(index_of(v, "ab"), v.size());  // seen 3 times < 4: not merged
}

TEST(VocabTrainer, TrainedVocabularyTokenizesItsCorpus) {
  const std::string corpus =
      "the movie was great and the acting was wonderful . the plot of the movie was terrible but "
      "the music was great . i loved the acting , hated the plot and loved the wonderful music";
  VocabTrainer a({.vocab_size = 120, .min_frequency = 2});
  VocabTrainer b({.vocab_size = 120, .min_frequency = 2});
  for (int i = 0; i < 20; ++i) {
    a.add_text(corpus);
    b.add_text(corpus);
  }
  const auto va = a.train();
  EXPECT_EQ(va, b.train());  // deterministic
  EXPECT_LT(index_of(va, "the"), va.size());
  EXPECT_LT(index_of(va, "movie"), va.size());
  bertq::testing::TempDir dir;
  std::string text;
  for (const auto& t : va) text += t + "\n";
  write_file_atomic(dir.file("vocab.txt"), text);
  const Tokenizer tok = Tokenizer::from_vocab(dir.file("vocab.txt"));
  const auto ids = tok.encode("The movie was great", {.add_special_tokens = false}).ids;
  EXPECT_EQ(tok.tokens(ids), (std::vector<std::string>{"the", "movie", "was", "great"}));
  for (int32_t id : tok.encode(corpus).ids) EXPECT_NE(id, tok.unk_id());
}

TEST(VocabTrainer, ReadsJsonLinesFiles) {
  bertq::testing::TempDir dir;
  write_file_atomic(dir.file("c.jsonl"), "{\"text\": \"zz zz zz\", \"label\": 1}\nplain zz line\n");
  VocabTrainer t({.vocab_size = 50, .min_frequency = 1});
  t.add_file(dir.file("c.jsonl"));
  EXPECT_EQ(t.num_words(), 3u);  // zz, plain, line
  write_file_atomic(dir.file("bad.jsonl"), "{\"txt\": \"x\"}\n");
  EXPECT_THROW(t.add_file(dir.file("bad.jsonl")), Error);
}

}  // namespace
}  // namespace bertq::text
