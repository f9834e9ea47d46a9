// The public engine::Classifier end to end: real IMDB reviews through the tokenizer and the engine
// must give the golden logits of ../shared/golden/model/tiny (the reference cut each review to a
// length with HEAD truncation, so predict with max_length = that length reproduces its ids);
// predict restores input order across length buckets; a engine::Classifier shared by threads gives
// identical results; bad options are errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "core/line_reader.h"
#include "engine/classifier.h"
#include "io/safetensors.h"

namespace bertq {
namespace {

TEST(Classifier, ReviewsGiveGoldenLogits) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/tiny");
  BERTQ_REQUIRE_SHARED(train, "data/imdb/train.jsonl.gz");
  const nlohmann::json expected = nlohmann::json::parse(std::ifstream(dir + "/expected.json"));
  std::map<std::string, std::string> texts;
  for (const auto& id : expected["ids"]) texts[id.get<std::string>()] = "";
  LineReader r(train);
  std::string line;
  size_t found = 0;
  while (found < texts.size() && r.next(line)) {
    const auto j = nlohmann::json::parse(line);
    auto it = texts.find(j["id"].get<std::string>());
    if (it != texts.end()) it->second = j["text"].get<std::string>(), ++found;
  }
  ASSERT_EQ(found, texts.size()) << "review ids of expected.json not all in " << train;
  const engine::Classifier clf(dir + "/model");
  const io::SafeTensorsFile f(dir + "/forward.safetensors");
  const auto& ids_v = f.get("input_ids");
  const size_t T = size_t(ids_v.shape[1]);
  std::vector<int64_t> ids(size_t(ids_v.numel()));
  std::memcpy(ids.data(), ids_v.data, ids.size() * 8);
  for (size_t b = 0; b < expected["ids"].size(); ++b) {
    const int len = expected["lengths"][b].get<int>();
    engine::PredictOptions po;
    po.tokenization.max_length = len;
    const std::string& text = texts[expected["ids"][b].get<std::string>()];
    // Same ids as the reference row (the tokenizer is tested on its own; this pins the join).
    const auto enc = clf.tokenizer().encode(text, {len, text::Truncation::HEAD});
    ASSERT_EQ(enc.ids.size(), size_t(len)) << "row " << b;
    for (int t = 0; t < len; ++t) ASSERT_EQ(enc.ids[size_t(t)], ids[b * T + size_t(t)]) << b;
    const engine::Prediction p = clf.predict({text}, po)[0];
    const auto& want = expected["logits"][b];
    ASSERT_EQ(p.logits.size(), want.size());
    double num = 0, den = 0;
    for (size_t j = 0; j < want.size(); ++j) {
      num += std::pow(p.logits[j] - want[j].get<double>(), 2);
      den += std::pow(want[j].get<double>(), 2);
    }
    EXPECT_LE(std::sqrt(num / den), 1e-4) << "row " << b;
    EXPECT_NEAR(p.probs[0] + p.probs[1], 1.0, 1e-6);
    EXPECT_EQ(p.label, clf.config().id2label[size_t(p.label_id)]);
    EXPECT_EQ(p.score, p.probs[size_t(p.label_id)]);
  }
}

std::vector<std::string> sample_texts() {
  std::vector<std::string> t;
  for (int i = 0; i < 11; ++i) {
    std::string s = "review " + std::to_string(i) + ":";
    for (int w = 0; w < (i * 37) % 150 + 1; ++w) s += (w % 3 == 0) ? " great" : " dull plot";
    t.push_back(s);
  }
  return t;
}

TEST(Classifier, PredictKeepsInputOrderAcrossBuckets) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/odd/model");
  const engine::Classifier clf(dir);
  const auto texts = sample_texts();
  engine::PredictOptions po;
  po.batch_size = 3;
  const auto batched = clf.predict(texts, po);
  ASSERT_EQ(batched.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto single = clf.predict({texts[i]}, po)[0];
    for (size_t j = 0; j < single.logits.size(); ++j)
      EXPECT_NEAR(batched[i].logits[j], single.logits[j], 1e-5) << "text " << i;
  }
}

TEST(Classifier, SharedAcrossThreads) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/odd/model");
  const engine::Classifier clf(dir);
  const auto texts = sample_texts();
  const auto want = clf.predict(texts);
  std::vector<std::vector<engine::Prediction>> got(3);
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t) ts.emplace_back([&, t] { got[size_t(t)] = clf.predict(texts); });
  for (auto& t : ts) t.join();
  for (const auto& g : got)
    for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(g[i].logits, want[i].logits);
}

TEST(Classifier, BadOptionsAndFoldersAreErrors) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/odd/model");
  const engine::Classifier clf(dir);
  engine::PredictOptions po;
  po.batch_size = 0;
  EXPECT_THROW(clf.predict({"x"}, po), Error);
  po = {};
  po.tokenization.max_length = 513;
  EXPECT_THROW(clf.predict({"x"}, po), Error);
  try {
    engine::Classifier missing("/nonexistent/model");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model"), std::string::npos) << e.what();
  }
}

TEST(Classifier, MakePredictionIsSoftmaxArgmax) {
  const engine::Prediction p =
      engine::Classifier::make_prediction({1.f, 3.f, -2.f}, {"a", "b", "c"});
  EXPECT_EQ(p.label_id, 1);
  EXPECT_EQ(p.label, "b");
  const double z = std::exp(1.0) + std::exp(3.0) + std::exp(-2.0);
  EXPECT_NEAR(p.probs[0], std::exp(1.0) / z, 1e-7);
  EXPECT_NEAR(p.score, std::exp(3.0) / z, 1e-7);
}

}  // namespace
}  // namespace bertq
