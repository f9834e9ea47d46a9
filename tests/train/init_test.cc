// One initialiser: a classifier the trainer builds from scratch (init_weights, seed S) starts
// from exactly the values `bertq init --seed S` writes (io::init_random_weights), tensor by
// tensor, for BERT and RoBERTa shapes (pad row 1); the masked-LM model's own head tensors follow
// the same rule (LayerNorm 1, biases 0).
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "io/init_model.h"
#include "train/bert_mlm.h"
#include "train/bert_model.h"

namespace bertq::train {
namespace {

void expect_same_as_bertq_init(io::Arch arch) {
  ModelConfig c;
  c.arch = arch;
  c.vocab_size = 97;
  c.hidden_size = 12;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 3;
  c.intermediate_size = 20;
  c.max_position_embeddings = 40;
  if (io::arch_spec(arch).positions_after_padding) {
    c.pad_token_id = 1;
    c.type_vocab_size = 1;
  }
  BertClassifier model(c);
  init_weights(*model, 7);
  io::InitOptions o;
  o.config = c;
  o.seed = 7;
  const io::SafeTensorsWriter w = io::init_random_weights(o);
  std::map<std::string, io::TensorView> written;
  for (const io::TensorView& t : w.tensors()) written[t.name] = t;
  int compared = 0;
  for (const auto& p : model->named_parameters()) {
    ASSERT_EQ(written.count(p.key()), 1u) << p.key();
    const io::TensorView* t = &written[p.key()];
    const torch::Tensor got = p.value().contiguous().to(torch::kFloat);
    ASSERT_EQ(static_cast<size_t>(got.numel()) * 4, t->nbytes) << p.key();
    EXPECT_EQ(std::memcmp(got.data_ptr<float>(), t->data, t->nbytes), 0) << p.key();
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(model->named_parameters().size()));
  const auto word = model->named_parameters()["bert.embeddings.word_embeddings.weight"];
  EXPECT_EQ(word[c.pad_token_id].abs().sum().item<float>(), 0.f);
  EXPECT_GT(word[c.pad_token_id + 1].abs().sum().item<float>(), 0.f);
}

TEST(Init, TrainerStartsFromWhatBertqInitWrites) {
  expect_same_as_bertq_init(io::Arch::BERT);
  expect_same_as_bertq_init(io::Arch::ROBERTA);
}

TEST(Init, MaskedLmHeadFollowsTheSameRule) {
  ModelConfig c;
  c.vocab_size = 50;
  c.hidden_size = 12;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 3;
  c.intermediate_size = 20;
  c.max_position_embeddings = 16;
  BertForMaskedLM model(c);
  init_bert_parameters(*model, c, 3);
  const auto p = model->named_parameters();
  EXPECT_TRUE(torch::all(p["cls.predictions.transform.LayerNorm.weight"] == 1).item<bool>());
  EXPECT_TRUE(torch::all(p["cls.predictions.bias"] == 0).item<bool>());
  EXPECT_GT(p["cls.predictions.transform.dense.weight"].std().item<double>(), 0.01);
}

}  // namespace
}  // namespace bertq::train
