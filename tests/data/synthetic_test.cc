// The built-in synthetic corpus: determinism, label balance, the train/test frame hold-out,
// labels that follow the text, and the JSON Lines files the demo reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "common/test_util.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/synthetic.h"

namespace bertq::data {
namespace {

std::vector<int> frames_of(const Example& ex) {
  const auto colon = ex.id.rfind(':');
  EXPECT_NE(colon, std::string::npos) << ex.id;
  std::vector<int> out;
  std::stringstream ss(ex.id.substr(colon + 1));
  std::string f;
  while (std::getline(ss, f, ',')) {
    EXPECT_EQ(f[0], 'f') << ex.id;
    out.push_back(std::stoi(f.substr(1)));
  }
  return out;
}

TEST(Synthetic, DeterministicPerSeed) {
  const auto a = generate_synthetic("train", 300, 7), b = generate_synthetic("train", 300, 7);
  const auto c = generate_synthetic("train", 300, 8);
  ASSERT_EQ(a.size(), 300u);
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text) << i;
    EXPECT_EQ(a[i].label, b[i].label) << i;
    differ += a[i].text != c[i].text;
  }
  EXPECT_GT(differ, 200) << "another seed should give other reviews";
}

TEST(Synthetic, BalancedLabelsAndFields) {
  for (size_t n : {1u, 2u, 101u, 1000u}) {
    const auto ex = generate_synthetic("test", n, 3);
    ASSERT_EQ(ex.size(), n);
    const auto pos =
        std::count_if(ex.begin(), ex.end(), [](const Example& e) { return e.label == 1; });
    EXPECT_EQ(static_cast<size_t>(pos), (n + 1) / 2) << n;
    for (const auto& e : ex) {
      EXPECT_EQ(e.label_name, synthetic_labels()[e.label]);
      EXPECT_EQ(e.split, "test");
      EXPECT_FALSE(e.text.empty());
      // Starts with a capital, or with a rating ("9 out of ten"), whose next word stays lower.
      const unsigned char c0 = e.text[0];
      EXPECT_TRUE(std::isupper(c0) || std::isdigit(c0)) << e.text;
      if (std::isdigit(c0)) {
        const size_t letter = e.text.find_first_not_of("0123456789 ");
        EXPECT_TRUE(std::islower(static_cast<unsigned char>(e.text[letter]))) << e.text;
      }
      EXPECT_TRUE(e.text.back() == '.' || e.text.back() == '!') << e.text;
      EXPECT_EQ(e.text.find('{'), std::string::npos) << "unfilled slot: " << e.text;
    }
  }
}

TEST(Synthetic, TestFramesAreHeldOut) {
  const auto tr = synthetic_frame_ids("train"), te = synthetic_frame_ids("test");
  const std::set<int> train_set(tr.begin(), tr.end()), test_set(te.begin(), te.end());
  ASSERT_FALSE(train_set.empty());
  ASSERT_FALSE(test_set.empty());
  for (int f : test_set) EXPECT_EQ(train_set.count(f), 0u) << "frame " << f << " in both splits";
  std::set<int> used_train, used_test;
  std::set<std::string> train_texts;
  for (const auto& e : generate_synthetic("train", 2000, 1)) {
    for (int f : frames_of(e)) {
      EXPECT_EQ(train_set.count(f), 1u) << e.id;
      used_train.insert(f);
    }
    train_texts.insert(e.text);
  }
  int shared_texts = 0;
  for (const auto& e : generate_synthetic("test", 1000, 1)) {
    for (int f : frames_of(e)) {
      EXPECT_EQ(test_set.count(f), 1u) << e.id;
      used_test.insert(f);
    }
    shared_texts += train_texts.count(e.text);
  }
  EXPECT_EQ(shared_texts, 0);
  EXPECT_EQ(used_train, train_set) << "every train frame is used";
  EXPECT_EQ(used_test, test_set) << "every test frame is used";
}

// Reviews made of the single frame "the {S} was {A}" (id 0) carry an adjective of their label;
// contrast reviews (frames 21/22, "{X} but {Y}") carry one after the connector. The word lists here
// are restated independently of the generator's.
TEST(Synthetic, LabelsFollowTheText) {
  const std::set<std::string> pos = {"great",     "superb",     "wonderful", "brilliant",
                                     "moving",    "delightful", "gripping",  "charming",
                                     "excellent", "fun",        "beautiful", "clever"};
  const std::set<std::string> neg = {"dull",        "boring",  "awful",       "terrible",
                                     "clumsy",      "tedious", "bland",       "weak",
                                     "predictable", "messy",   "forgettable", "silly"};
  int plain = 0, contrast = 0;
  for (const auto& e : generate_synthetic("train", 20000, 5)) {
    const auto f = frames_of(e);
    std::string t = e.text;
    std::transform(t.begin(), t.end(), t.begin(), ::tolower);
    auto last_word = [](const std::string& s) {
      std::string w = s.substr(s.find_last_of(' ') + 1);
      while (!w.empty() && (w.back() == '.' || w.back() == '!')) w.pop_back();
      return w;
    };
    if (f == std::vector<int>{0} && t.rfind("the ", 0) == 0) {
      const std::string w = last_word(t);
      EXPECT_EQ(e.label == 1 ? pos.count(w) : neg.count(w), 1u) << e.text << " label " << e.label;
      ++plain;
    }
    // "the S was A but the S was A" (21) or "the S was A. however, the S was A" (22)
    if (f.size() == 3 && f[0] == 0 && f[1] == 0 && (f[2] == 21 || f[2] == 22)) {
      const std::string first = t.substr(0, t.find(f[2] == 21 ? " but " : ". however, "));
      EXPECT_EQ(e.label == 1 ? neg.count(last_word(first)) : pos.count(last_word(first)), 1u)
          << e.text;
      EXPECT_EQ(e.label == 1 ? pos.count(last_word(t)) : neg.count(last_word(t)), 1u) << e.text;
      ++contrast;
    }
  }
  EXPECT_GT(plain, 20);
  EXPECT_GT(contrast, 10);
}

TEST(Synthetic, WritesLoadableJsonl) {
  testing::TempDir dir;
  SyntheticOptions o;
  o.train_size = 50;
  o.test_size = 21;
  const auto paths = write_synthetic_corpus(dir.file("c"), o);
  ASSERT_EQ(paths.size(), 2u);
  const Dataset train = load_dataset(dir.file("c") + ":train");
  const Dataset test = load_dataset(dir.file("c") + ":test");
  EXPECT_EQ(train.examples.size(), 50u);
  EXPECT_EQ(test.examples.size(), 21u);
  EXPECT_EQ(train.labels.names, synthetic_labels());
  EXPECT_EQ(test.examples[0].text, generate_synthetic("test", 21, o.seed)[0].text);
}

TEST(Synthetic, BadArguments) {
  EXPECT_THROW(generate_synthetic("validation", 3, 1), Error);
  testing::TempDir dir;
  SyntheticOptions o;
  o.train_size = 0;
  try {
    write_synthetic_corpus(dir.path(), o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
  }
}

}  // namespace
}  // namespace bertq::data
