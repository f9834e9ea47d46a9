// The trainer and the inference engine meet only through the saved Hugging Face folder: a tiny
// model trained for a few steps (RUN/last) must give the same logits through
// bertq::engine::Classifier (FP32, every kernel tier this CPU supports) as through the libtorch
// model in eval() mode, on 16 real IMDB reviews tokenized by the folder's tokenizer. Tolerance: rel
// L2 <= 1e-4 and |engine - torch| <= 1e-5 + 1e-4 |torch| per logit.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/test_util.h"
#include "core/cpu_features.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "engine/classifier.h"
#include "train/bert_model.h"
#include "train/trainer.h"

namespace bertq::train {
namespace {

using bertq::testing::TempDir;

TEST(EngineParity, TrainedFolderGivesTorchLogits) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(test_data, "data/imdb/test.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  TempDir tmp;
  const std::string model = tmp.file("model");
  make_dirs(model);
  ModelConfig c;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = 128;
  c.id2label = {"NEGATIVE", "POSITIVE"};
  c.save(model + "/config.json");
  write_file_atomic(model + "/vocab.txt", read_file(vocab));

  TrainOptions o;
  o.model_dir = model;
  o.train_path = data;
  o.out_dir = tmp.file("run");
  o.epochs = 1;
  o.lr = 1e-3;
  o.batch_size = 16;
  o.recipe.max_length = 64;
  o.train_limit = 96;  // 6 steps
  o.threads = 2;
  o.progress = false;
  const TrainResult r = train(o);
  ASSERT_EQ(r.steps, 6);
  const std::string last = tmp.file("run/last");

  // 16 test reviews, tokenized with the saved folder's tokenizer, of different lengths.
  const data::Dataset ds = data::load_dataset(test_data, {}, 16, 7);
  ASSERT_EQ(ds.examples.size(), 16u);
  const text::Tokenizer tok = text::Tokenizer::from_folder(last);
  text::EncodeOptions eo;
  eo.max_length = 64;
  eo.truncation = text::Truncation::HEAD_TAIL;
  eo.head_tokens = 16;
  std::vector<std::vector<int32_t>> ids;
  for (size_t i = 0; i < ds.examples.size(); ++i) {
    const auto& t = ds.examples[i].text;
    // Cut some reviews short so the batch mixes lengths (padding in the torch batch).
    ids.push_back(tok.encode(i % 3 == 0 ? t.substr(0, 40 + 10 * i) : t, eo).ids);
  }

  // libtorch reference: the folder's weights, eval() mode (no dropout), padded batch.
  BertClassifier m(ModelConfig::load(last + "/config.json"));
  ASSERT_TRUE(load_weights(*m, last + "/model.safetensors").empty());
  m->eval();
  size_t t_max = 0;
  for (const auto& row : ids) t_max = std::max(t_max, row.size());
  const int64_t b = static_cast<int64_t>(ids.size());
  auto tid = torch::full({b, static_cast<int64_t>(t_max)}, tok.pad_id(), torch::kLong);
  auto mask = torch::zeros({b, static_cast<int64_t>(t_max)}, torch::kLong);
  for (int64_t i = 0; i < b; ++i)
    for (size_t k = 0; k < ids[i].size(); ++k) {
      tid[i][k] = ids[i][k];
      mask[i][k] = 1;
    }
  torch::Tensor want;
  {
    torch::NoGradGuard ng;
    want = m->forward(tid, torch::zeros_like(tid), mask).contiguous();
  }
  ASSERT_EQ(want.size(1), 2);
  const float* w = want.data_ptr<float>();

  for (Isa isa : supported_isas()) {
    engine::EngineOptions eo2;
    eo2.isa = isa;
    eo2.threads = 2;
    bertq::engine::Classifier clf(last, eo2);
    const auto got = clf.logits(ids);
    ASSERT_EQ(got.size(), ids.size());
    std::vector<float> flat;
    for (const auto& row : got) flat.insert(flat.end(), row.begin(), row.end());
    ASSERT_EQ(flat.size(), static_cast<size_t>(want.numel()));
    const double rl2 = bertq::testing::rel_l2(flat.data(), w, flat.size());
    std::printf("isa %s: rel L2 %.3g\n", std::string(isa_name(isa)).c_str(), rl2);
    EXPECT_LE(rl2, 1e-4) << isa_name(isa);
    EXPECT_TRUE(bertq::testing::all_close(flat.data(), w, flat.size(), 1e-4, 1e-5))
        << isa_name(isa);
  }
}

}  // namespace
}  // namespace bertq::train
