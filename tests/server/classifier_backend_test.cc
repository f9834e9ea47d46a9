// The server with the real model: answers over HTTP equal engine::Classifier::predict (the library
// call behind `bertq predict`) and the `bertq predict` binary (when built):
// - bit for bit when the server runs a text alone (one request, one text at a time);
// - within kBatchTol when texts of many concurrent clients with different max_length /
//   truncation are merged into batches: the engine's float results depend on the batch
//   composition by an ulp or two (GEMM summation order changes with the packed token count),
//   measured max 1.5e-7 on probs; labels must match exactly. Model: a tiny random BERT (io's
// init_random_weights + write_model_folder) with the bert-base-uncased tokenizer from ../shared.
#if __has_include("engine/classifier.h")
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/test_util.h"
#include "core/error.h"
#include "engine/classifier.h"
#include "io/init_model.h"
#include "io/model_folder.h"
#include "test_server_util.h"

namespace bertq::server {
namespace {

engine::EngineOptions one_thread() {
  engine::EngineOptions o;
  o.threads = 1;
  return o;
}

using nlohmann::json;

std::vector<std::string> review_texts() {
  std::vector<std::string> t = {
      "A wonderful, moving film with superb acting.",
      "Dull. I fell asleep twice.",
      "The plot made no sense, but the music was great!",
      "Not bad at all; better than I expected from the trailer.",
      "Worst movie of the decade... avoid.",
      "Café scenes were charming — naïve but sweet.",
      "I've seen it 3 times and I'd watch it again tomorrow",
      "meh",
      "An overlong, self-indulgent mess that mistakes noise for drama.",
      "Brilliant direction, weak script, forgettable ending.",
      "日本の映画はとても面白かった",
      "10/10 would recommend to anyone who likes slow cinema.",
  };
  std::string long_text;
  for (int i = 0; i < 120; ++i) long_text += "the story drags on and on but the cast is great ";
  t.push_back(long_text);
  t.push_back("Short start. " + long_text + " A surprisingly strong final act.");
  return t;
}

class RealModel : public ::testing::Test {
 protected:
  void SetUp() override {
    BERTQ_REQUIRE_SHARED(tok_dir, "data/bert-base-uncased/vocab.txt");
    const std::string folder = std::filesystem::path(tok_dir).parent_path().string();
    io::InitOptions o;
    o.config.vocab_size = io::count_vocab_lines(tok_dir);
    o.config.hidden_size = 32;
    o.config.num_hidden_layers = 2;
    o.config.num_attention_heads = 2;
    o.config.intermediate_size = 64;
    o.config.max_position_embeddings = 512;
    o.config.id2label = {"NEGATIVE", "POSITIVE"};
    o.seed = 11;
    o.std = 0.2f;  // larger than HF's 0.02 so the random logits differ visibly between texts
    model_dir_ = tmp_.file("model");
    io::write_model_folder(model_dir_, o.config, io::init_random_weights(o), folder);
  }
  bertq::testing::TempDir tmp_;
  std::string model_dir_;
};

// Largest |prob difference| allowed between a batched and an alone result (see top).
constexpr float kBatchTol = 2e-6f;

bool probs_close(const std::vector<float>& a, const std::vector<float>& b, float tol) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::fabs(a[i] - b[i]) <= tol)) return false;
  return true;
}

struct Variant {
  int max_length;
  std::string truncation;
};
const Variant kVariants[] = {{512, "head"}, {16, "head"}, {24, "tail"}, {40, "head+tail"}};

TEST_F(RealModel, HttpAnswersEqualPredictOnEachTextAlone) {
  // Merged batches from concurrent clients: equal up to kBatchTol; alone: bit for bit.
  // Same thread count as the server's backend below: the engine's summation order can depend
  // on how work is split over threads.
  engine::EngineOptions eo;
  eo.threads = 1;
  const engine::Classifier clf(model_dir_, eo);
  const std::vector<std::string> texts = review_texts();
  // Reference: each text alone (batch of one), per option variant.
  std::vector<std::vector<engine::Prediction>> want(std::size(kVariants));
  for (size_t v = 0; v < std::size(kVariants); ++v) {
    engine::PredictOptions po;
    po.tokenization.max_length = kVariants[v].max_length;
    po.tokenization.truncation = kVariants[v].truncation;
    for (const std::string& t : texts) want[v].push_back(clf.predict({t}, po)[0]);
  }
  // The random model must not answer the same for everything, or the check proves little.
  std::set<float> distinct;
  for (const auto& p : want[0]) distinct.insert(p.probs[1]);
  ASSERT_GT(distinct.size(), texts.size() / 2);

  auto backend = make_classifier_backend(model_dir_, one_thread());
  ServerOptions so;
  so.batcher.max_batch = 8;
  so.batcher.max_wait = std::chrono::milliseconds(20);
  testing::RunningServer s(*backend, so);
  ASSERT_TRUE(s.wait_ready());
  std::atomic<int> mismatches{0}, done{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 12; ++c) {
    clients.emplace_back([&, c] {
      auto cli = s.client();
      for (int round = 0; round < 4; ++round) {
        const size_t v = size_t(c + round) % std::size(kVariants);
        std::vector<size_t> idx;
        for (size_t i = size_t(c % 3); i < texts.size(); i += 2 + size_t(round % 2))
          idx.push_back(i);
        json body = {{"texts", json::array()},
                     {"return_probs", true},
                     {"max_length", kVariants[v].max_length},
                     {"truncation", kVariants[v].truncation}};
        for (size_t i : idx) body["texts"].push_back(texts[i]);
        auto r = cli->Post("/v1/classify", body.dump(), "application/json");
        if (!r || r->status != 200) {
          ADD_FAILURE() << "client " << c << ": " << (r ? r->body : "no response");
          mismatches.fetch_add(1);
          continue;
        }
        const json j = json::parse(r->body);
        for (size_t k = 0; k < idx.size(); ++k) {
          const engine::Prediction& p = want[v][idx[k]];
          const json& got = j["results"][k];
          const auto probs = got["probs"].get<std::vector<float>>();
          if (got["label_id"] != p.label_id || got["label"] != p.label ||
              !probs_close(probs, p.probs, kBatchTol) ||
              std::fabs(got["score"].get<float>() - p.score) > kBatchTol) {
            ADD_FAILURE() << "text " << idx[k] << " variant " << v << ": got " << got.dump()
                          << ", predict alone gives probs [" << p.probs[0] << ", " << p.probs[1]
                          << "]";
            mismatches.fetch_add(1);
          }
        }
        done.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(done.load(), 12 * 4);
  const auto& m = s.server().metrics();
  EXPECT_EQ(m.requests("/v1/classify", 200), 48u);

  // One text at a time (nothing to merge with): bit-for-bit equal to predict alone.
  auto cli = s.client();
  for (size_t v = 0; v < std::size(kVariants); ++v) {
    for (size_t i = 0; i < texts.size(); ++i) {
      auto r = cli->Post("/v1/classify",
                         json{{"text", texts[i]},
                              {"return_probs", true},
                              {"max_length", kVariants[v].max_length},
                              {"truncation", kVariants[v].truncation}}
                             .dump(),
                         "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      const json got = json::parse(r->body)["results"][0];
      EXPECT_EQ(got["probs"].get<std::vector<float>>(), want[v][i].probs)
          << "text " << i << " variant " << v << ": " << got.dump();
      EXPECT_EQ(got["label_id"], want[v][i].label_id);
    }
  }

  // The Hugging Face route gives the same label and score.
  auto r = s.client()->Post("/", json{{"inputs", texts[0]}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json hf = json::parse(r->body);
  EXPECT_EQ(hf[0]["label"], want[0][0].label);
  EXPECT_EQ(hf[0]["score"].get<float>(), want[0][0].score);
}

TEST_F(RealModel, HttpAnswersEqualTheBertqPredictBinary) {
  const std::string bertq = std::string(BERTQ_BINARY_DIR) + "/src/cli/bertq";
  if (!std::filesystem::exists(bertq)) GTEST_SKIP() << bertq << " is not built";
  const std::vector<std::string> texts = review_texts();
  const std::string input = tmp_.file("texts.jsonl");
  {
    std::ofstream f(input);
    for (const auto& t : texts) f << json{{"text", t}}.dump() << "\n";
  }
  const std::string cmd = bertq + " predict --model " + model_dir_ +
                          " --threads 1 --max-length 64 --batch-size 1 --input " + input;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << cmd;
  std::vector<json> cli;
  size_t pos = 0;
  for (size_t eol; (eol = out.find('\n', pos)) != std::string::npos; pos = eol + 1)
    cli.push_back(json::parse(out.substr(pos, eol - pos)));
  ASSERT_EQ(cli.size(), texts.size()) << out;

  auto backend = make_classifier_backend(model_dir_, one_thread());
  testing::RunningServer s(*backend, ServerOptions{});
  auto r = s.client()->Post(
      "/v1/classify", json{{"texts", texts}, {"max_length", 64}, {"return_probs", true}}.dump(),
      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  auto c = s.client();
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto want = cli[i]["probs"].get<std::vector<float>>();
    EXPECT_EQ(j["results"][i]["label"], cli[i]["label"]) << i;
    EXPECT_TRUE(probs_close(j["results"][i]["probs"].get<std::vector<float>>(), want, kBatchTol))
        << "text " << i << ": " << j["results"][i].dump() << " vs " << cli[i].dump();
    // Alone: bit for bit.
    auto one = c->Post("/v1/classify",
                       json{{"text", texts[i]}, {"max_length", 64}, {"return_probs", true}}.dump(),
                       "application/json");
    ASSERT_TRUE(one);
    ASSERT_EQ(one->status, 200) << one->body;
    EXPECT_EQ(json::parse(one->body)["results"][0]["probs"].get<std::vector<float>>(), want)
        << "text " << i;
  }
}

// An item's head_tokens (the server's Limits::defaults: `bertq serve --head-tokens` or the
// model's config.json "bertq" block) reaches the tokenizer: a head+tail item equals the model
// run on the text tokenized with those head tokens, bit for bit, and differs from 128; items
// of different recipes in one batch each keep their own.
TEST_F(RealModel, HeadTokensReachTheTokenizer) {
  engine::EngineOptions eo;
  eo.threads = 1;
  const engine::Classifier clf(model_dir_, eo);
  const std::string text = review_texts().back();  // long, with a different start and end
  text::EncodeOptions enc;
  enc.max_length = 40;
  enc.truncation = text::Truncation::HEAD_TAIL;
  enc.head_tokens = 5;
  const text::Encoding e = clf.tokenizer().encode(text, enc);
  ASSERT_EQ(e.size(), 40u);
  const engine::Prediction want = engine::Classifier::make_prediction(
      clf.logits({e.ids}, {e.type_ids})[0], clf.config().id2label);
  auto backend = make_classifier_backend(model_dir_, one_thread());
  const text::TokenizationRecipe five{40, text::Truncation::HEAD_TAIL, 5};
  const text::TokenizationRecipe dflt{40, text::Truncation::HEAD_TAIL, 128};
  const auto got = backend->classify({{text, five}, {text, dflt}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].probs, want.probs);
  EXPECT_EQ(got[0].tokens, 40u);
  EXPECT_NE(got[1].probs, want.probs);
  const text::TokenizationRecipe bad{40, text::Truncation::HEAD_TAIL, -1};
  EXPECT_THROW(backend->classify({{text, bad}}), Error);
}

TEST_F(RealModel, MissingModelIsAClearError) {
  try {
    make_classifier_backend(tmp_.file("nope"), one_thread());
    FAIL() << "no error for a missing model folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bertq::server
#endif
