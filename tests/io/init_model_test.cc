// init_random_weights: every canonical tensor with its shape, normal(0, std) statistics,
// LayerNorm 1/0, zero biases and padding row, and seed reproducibility.
#include <cmath>
#include <cstring>
#include <random>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"

namespace bertq::io {
namespace {

InitOptions options(uint64_t seed) {
  InitOptions o;
  o.config.vocab_size = 30522;
  o.config.hidden_size = 64;
  o.config.num_hidden_layers = 2;
  o.config.num_attention_heads = 4;
  o.config.intermediate_size = 256;
  o.config.max_position_embeddings = 128;
  o.config.pad_token_id = 0;
  o.seed = seed;
  return o;
}

const float* values(const SafeTensorsWriter& w, const std::string& name, size_t* n = nullptr) {
  for (const TensorView& t : w.tensors())
    if (t.name == name) {
      if (n) *n = static_cast<size_t>(t.numel());
      return static_cast<const float*>(t.data);
    }
  ADD_FAILURE() << "no tensor " << name;
  return nullptr;
}

TEST(InitModel, EveryTensorWithItsShape) {
  const InitOptions o = options(1);
  const SafeTensorsWriter w = init_random_weights(o);
  const auto want = all_tensor_names(o.config);
  const auto got = w.tensors();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].first);
    EXPECT_EQ(got[i].shape, want[i].second) << want[i].first;
    EXPECT_EQ(got[i].dtype, DType::F32);
  }
}

TEST(InitModel, NormalStatistics) {
  const SafeTensorsWriter w = init_random_weights(options(2));
  size_t n = 0;
  const float* x = values(w, "bert.embeddings.word_embeddings.weight", &n);
  ASSERT_EQ(n, 30522u * 64);
  double sum = 0, sum2 = 0;
  size_t within1 = 0;
  for (size_t i = 64; i < n; ++i) {  // row 0 is the padding row
    sum += x[i];
    sum2 += double(x[i]) * x[i];
    within1 += std::fabs(x[i]) < 0.02;
  }
  const double m = n - 64;
  const double mean = sum / m, sd = std::sqrt(sum2 / m - mean * mean);
  // ~2M samples: the standard error of the std is ~0.02 / sqrt(2 * 2M) = 1e-5.
  EXPECT_NEAR(mean, 0.0, 1e-4);
  EXPECT_NEAR(sd, 0.02, 2e-4);
  EXPECT_NEAR(within1 / m, 0.682689, 3e-3);  // P(|z| < 1)
  // Linear weights too.
  const float* q = values(w, "bert.encoder.layer.1.intermediate.dense.weight", &n);
  sum2 = 0;
  for (size_t i = 0; i < n; ++i) sum2 += double(q[i]) * q[i];
  EXPECT_NEAR(std::sqrt(sum2 / n), 0.02, 0.02 * 0.05);
}

TEST(InitModel, LayerNormBiasesAndPaddingRow) {
  InitOptions o = options(3);
  o.config.pad_token_id = 7;
  const SafeTensorsWriter w = init_random_weights(o);
  for (const TensorView& t : w.tensors()) {
    const auto* x = static_cast<const float*>(t.data);
    const bool ln_weight = t.name.find("LayerNorm.weight") != std::string::npos;
    const bool bias = t.shape.size() == 1 && !ln_weight;
    if (!ln_weight && !bias) continue;
    for (int64_t i = 0; i < t.numel(); ++i) ASSERT_EQ(x[i], ln_weight ? 1.0f : 0.0f) << t.name;
  }
  const float* e = values(w, "bert.embeddings.word_embeddings.weight");
  for (int i = 0; i < 64; ++i) EXPECT_EQ(e[7 * 64 + i], 0.0f);
  int nonzero = 0;
  for (int i = 0; i < 64; ++i) nonzero += e[6 * 64 + i] != 0.0f;
  EXPECT_EQ(nonzero, 64);
  // Position and token type embeddings have no padding row (as in HF).
  EXPECT_NE(values(w, "bert.embeddings.position_embeddings.weight")[7 * 64], 0.0f);
}

TEST(InitModel, SeedReproducibility) {
  const std::string a = init_random_weights(options(42)).serialize();
  const std::string b = init_random_weights(options(42)).serialize();
  const std::string c = init_random_weights(options(43)).serialize();
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), c.size());
  EXPECT_NE(a, c);
}

TEST(InitModel, UsesDocumentedGenerator) {
  // The first word-embedding values (after the padding row... row 0 is zeroed, so use a
  // config with pad_token_id 1) are 0.02 * Box-Muller of mt19937_64(seed), recomputed here.
  InitOptions o = options(9);
  o.config.pad_token_id = 1;
  const SafeTensorsWriter w = init_random_weights(o);
  const float* x = values(w, "bert.embeddings.word_embeddings.weight");
  std::mt19937_64 gen(9);
  const double u1 = 1.0 - static_cast<double>(gen() >> 11) * 0x1.0p-53;
  const double u2 = static_cast<double>(gen() >> 11) * 0x1.0p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  EXPECT_EQ(x[0], static_cast<float>(0.02 * r * std::cos(2 * M_PI * u2)));
  EXPECT_EQ(x[1], static_cast<float>(0.02 * r * std::sin(2 * M_PI * u2)));
  // The standard fixes mt19937_64's 10000th output.
  std::mt19937_64 check;
  check.discard(9999);
  EXPECT_EQ(check(), 9981545732273789042ull);
}

TEST(InitModel, RejectsBadOptions) {
  InitOptions o = options(1);
  o.config.num_attention_heads = 5;
  EXPECT_THROW(init_random_weights(o), Error);
  o = options(1);
  o.std = -1;
  EXPECT_THROW(init_random_weights(o), Error);
}

TEST(InitModel, CountVocabLines) {
  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("v1.txt"), "[PAD]\n[UNK]\n\nx\n");
  EXPECT_EQ(count_vocab_lines(tmp.file("v1.txt")), 4);
  write_file_atomic(tmp.file("v2.txt"), "[PAD]\n[UNK]");
  EXPECT_EQ(count_vocab_lines(tmp.file("v2.txt")), 2);
  write_file_atomic(tmp.file("v3.txt"), "");
  EXPECT_THROW(count_vocab_lines(tmp.file("v3.txt")), Error);
  EXPECT_THROW(count_vocab_lines(tmp.file("none.txt")), Error);
}

TEST(InitModel, GoldenVocabSize) {
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  EXPECT_EQ(count_vocab_lines(vocab), 30522);
}

}  // namespace
}  // namespace bertq::io
