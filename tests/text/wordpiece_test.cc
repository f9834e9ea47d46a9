// Pre-tokenizer splitting and WordPiece segmentation rules on a small vocabulary.
#include <gtest/gtest.h>

#include "core/error.h"
#include "text/pre_tokenizer.h"
#include "text/text_test_util.h"
#include "text/vocab.h"
#include "text/wordpiece.h"

namespace bertq::text {
namespace {

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  for (auto [b, e] : pre_tokenize(s)) out.emplace_back(s.substr(b, e - b));
  return out;
}

TEST(PreTokenizer, SplitsOnWhitespaceAndPunctuation) {
  EXPECT_EQ(words("hello, world!"), (std::vector<std::string>{"hello", ",", "world", "!"}));
  EXPECT_EQ(words("  don't...\u3000x"),
            (std::vector<std::string>{"don", "'", "t", ".", ".", ".", "x"}));
  EXPECT_EQ(words("a\u2014b\u00BFc"),
            (std::vector<std::string>{"a", "\u2014", "b", "\u00BF", "c"}));
  EXPECT_EQ(words("$5 +3"), (std::vector<std::string>{"$", "5", "+", "3"}));  // ASCII symbols too
  EXPECT_EQ(words("\u20AC5"), (std::vector<std::string>{"\u20AC5"}));  // Sc outside ASCII is not
  EXPECT_TRUE(words(" \t\n ").empty());
}

class WordPieceTest : public ::testing::Test {
 protected:
  Vocab vocab_ = Vocab::from_tokens(testing::small_vocab());
  WordPiece wp_{vocab_, {}};

  std::vector<std::string> pieces(const std::string& w, size_t chars = 0) {
    std::vector<Piece> out;
    if (chars == 0) chars = w.size();
    wp_.tokenize(w.data(), w.size(), chars, out);
    std::vector<std::string> s;
    for (const auto& p : out) {
      s.push_back(cat(vocab_.token(p.id), "@", p.begin, "-", p.end));
    }
    return s;
  }
};

TEST_F(WordPieceTest, GreedyLongestMatchFirst) {
  EXPECT_EQ(pieces("unaffable"), (std::vector<std::string>{"un@0-2", "##aff@2-5", "##able@5-9"}));
  EXPECT_EQ(pieces("movies"), (std::vector<std::string>{"movie@0-5", "##s@5-6"}));
  EXPECT_EQ(pieces("aff"), (std::vector<std::string>{"aff@0-3"}));  // whole word, no ## needed
  EXPECT_EQ(pieces("abb"), (std::vector<std::string>{"a@0-1", "##b@1-2", "##b@2-3"}));
}

TEST_F(WordPieceTest, UncoverableWordIsOneUnk) {
  EXPECT_EQ(pieces("moviex"), (std::vector<std::string>{"[UNK]@0-6"}));  // no "##x"
  EXPECT_EQ(pieces("q"), (std::vector<std::string>{"[UNK]@0-1"}));
}

TEST_F(WordPieceTest, LongWordsBecomeUnk) {
  std::string w100(100, 'b');
  w100[0] = 'a';
  const std::string w101(101, 'b');
  const auto p100 = pieces(w100);
  ASSERT_EQ(p100.size(), 100u);  // exactly 100 characters are still segmented
  EXPECT_EQ(p100[0], "a@0-1");
  EXPECT_EQ(pieces(w101), (std::vector<std::string>{"[UNK]@0-101"}));
  // The limit counts characters, not bytes: 60 two-byte characters are fine.
  std::string e60;
  for (int i = 0; i < 60; ++i) e60 += "\xC3\xA9";
  EXPECT_EQ(pieces(e60, 60).size(), 1u);  // no "é" continuation: one [UNK], but not for length
}

TEST(Vocab, LoadsFileAndReportsBadIds) {
  const Vocab v = Vocab::from_tokens({"[UNK]", "a", "a"});
  EXPECT_EQ(v.find("a"), 2);  // duplicate lines: the later id wins, as in HF
  EXPECT_EQ(v.find("b"), -1);
  EXPECT_THROW(Vocab::from_pairs({{"a", 0}, {"b", 2}}, "test"), Error);
  EXPECT_THROW(Vocab::from_tokens({}), Error);
}

}  // namespace
}  // namespace bertq::text
