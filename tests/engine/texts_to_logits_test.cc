// The one batched texts -> logits path of the engine::Classifier: run_sorted hands every sequence's
// logits back once, batch by batch in ascending length, each equal to the sequence run alone;
// sequence_logits restores the input order; predict follows the whole recipe, head_tokens
// included (head+tail with few head tokens gives the logits of the head+tail encodings, not
// of head truncation); a recipe over the model's positions is refused naming the limit.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "engine/classifier.h"

namespace bertq {
namespace {

std::vector<std::string> reviews() {
  std::vector<std::string> t;
  for (int i = 0; i < 9; ++i) {
    std::string s = "the film opens well";
    for (int w = 0; w < (i * 29) % 70 + 1; ++w) s += (w % 2 == 0) ? " and then" : " nothing";
    s += i % 2 ? " but the ending is dull" : " and the ending is great";
    t.push_back(s);
  }
  return t;
}

TEST(TextsToLogits, RunSortedVisitsEachSequenceOnceInLengthOrder) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/odd/model");
  const engine::Classifier clf(dir);
  text::TokenizationRecipe r;
  r.max_length = 48;
  const std::vector<text::Encoding> enc = clf.encode(reviews(), r);
  const std::vector<engine::SequenceView> seqs = engine::sequence_views(enc);
  std::vector<size_t> visited;
  std::vector<std::vector<float>> got(seqs.size());
  clf.run_sorted(seqs, 4, [&](size_t i, std::vector<float>& l) {
    visited.push_back(i);
    got[i] = l;
  });
  ASSERT_EQ(visited.size(), seqs.size());
  for (size_t k = 1; k < visited.size(); ++k)
    EXPECT_LE(enc[visited[k - 1]].size(), enc[visited[k]].size()) << "position " << k;
  std::vector<bool> seen(seqs.size(), false);
  for (size_t i : visited) {
    EXPECT_FALSE(seen[i]) << "sequence " << i << " twice";
    seen[i] = true;
  }
  const auto in_order = clf.sequence_logits(seqs, 4);
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto alone = clf.logits({enc[i].ids})[0];
    EXPECT_EQ(in_order[i], got[i]) << i;
    for (size_t j = 0; j < alone.size(); ++j) EXPECT_NEAR(got[i][j], alone[j], 1e-5) << i;
  }
  EXPECT_THROW(clf.run_sorted(seqs, 0, [](size_t, std::vector<float>&) {}), Error);
}

TEST(TextsToLogits, PredictFollowsTheWholeRecipe) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/odd/model");
  const engine::Classifier clf(dir);
  const auto texts = reviews();
  engine::PredictOptions po;
  po.tokenization.max_length = 16;
  po.tokenization.truncation = "head+tail";
  po.tokenization.head_tokens = 3;
  po.batch_size = 2;
  const auto preds = clf.predict(texts, po);
  text::EncodeOptions head_tail{16, text::Truncation::HEAD_TAIL, 3};
  text::EncodeOptions head{16, text::Truncation::HEAD, 3};
  bool differs_from_head = false;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto want = clf.logits({clf.tokenizer().encode(texts[i], head_tail).ids})[0];
    const auto head_only = clf.logits({clf.tokenizer().encode(texts[i], head).ids})[0];
    for (size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(preds[i].logits[j], want[j], 1e-5) << i;
    differs_from_head |= std::abs(head_only[0] - want[0]) > 1e-4;
  }
  EXPECT_TRUE(differs_from_head) << "head and head+tail 3 gave the same logits on every text";

  po.tokenization.max_length = 513;  // over the model's 512 positions
  try {
    clf.predict(texts, po);
    FAIL() << "max_length 513 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("513: must be in [2, 512]"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace bertq
