// The tensor-name table: canonical HF names, shapes, and parse_tensor_name as its inverse.
#include <set>

#include <gtest/gtest.h>

#include "core/error.h"
#include "io/bert_tensors.h"

namespace bertq::io {
namespace {

TEST(BertTensors, CanonicalNames) {
  EXPECT_EQ(tensor_name(BertTensor::WORD_EMBEDDINGS), "bert.embeddings.word_embeddings.weight");
  EXPECT_EQ(tensor_name(BertTensor::Q_WEIGHT, 3),
            "bert.encoder.layer.3.attention.self.query.weight");
  EXPECT_EQ(tensor_name(BertTensor::ATTN_OUT_WEIGHT, 3),
            "bert.encoder.layer.3.attention.output.dense.weight");
  EXPECT_EQ(tensor_name(BertTensor::ATTN_LN_WEIGHT, 3),
            "bert.encoder.layer.3.attention.output.LayerNorm.weight");
  EXPECT_EQ(tensor_name(BertTensor::FFN_IN_WEIGHT, 3),
            "bert.encoder.layer.3.intermediate.dense.weight");
  EXPECT_EQ(tensor_name(BertTensor::FFN_OUT_WEIGHT, 3), "bert.encoder.layer.3.output.dense.weight");
  EXPECT_EQ(tensor_name(BertTensor::FFN_LN_BIAS, 11),
            "bert.encoder.layer.11.output.LayerNorm.bias");
  EXPECT_EQ(tensor_name(BertTensor::POOLER_WEIGHT), "bert.pooler.dense.weight");
  EXPECT_EQ(tensor_name(BertTensor::CLASSIFIER_WEIGHT, 5), "classifier.weight");
  EXPECT_THROW(tensor_name(BertTensor::Q_BIAS), Error);
  EXPECT_TRUE(is_layer_tensor(BertTensor::Q_WEIGHT));
  EXPECT_FALSE(is_layer_tensor(BertTensor::POOLER_WEIGHT));
  EXPECT_TRUE(is_linear_weight(BertTensor::CLASSIFIER_WEIGHT));
  EXPECT_FALSE(is_linear_weight(BertTensor::WORD_EMBEDDINGS));
}

TEST(BertTensors, Shapes) {
  BertConfig c;  // bert-base
  using S = std::vector<int64_t>;
  EXPECT_EQ(expected_shape(BertTensor::WORD_EMBEDDINGS, c), (S{30522, 768}));
  EXPECT_EQ(expected_shape(BertTensor::POSITION_EMBEDDINGS, c), (S{512, 768}));
  EXPECT_EQ(expected_shape(BertTensor::TOKEN_TYPE_EMBEDDINGS, c), (S{2, 768}));
  EXPECT_EQ(expected_shape(BertTensor::FFN_IN_WEIGHT, c), (S{3072, 768}));
  EXPECT_EQ(expected_shape(BertTensor::FFN_IN_BIAS, c), (S{3072}));
  EXPECT_EQ(expected_shape(BertTensor::FFN_OUT_WEIGHT, c), (S{768, 3072}));
  EXPECT_EQ(expected_shape(BertTensor::ATTN_LN_BIAS, c), (S{768}));
  EXPECT_EQ(expected_shape(BertTensor::CLASSIFIER_WEIGHT, c), (S{2, 768}));
  c.id2label = {"a", "b", "c"};
  EXPECT_EQ(expected_shape(BertTensor::CLASSIFIER_BIAS, c), (S{3}));
}

TEST(BertTensors, AllNamesAndParse) {
  BertConfig c;
  c.num_hidden_layers = 12;
  const auto all = all_tensor_names(c);
  EXPECT_EQ(all.size(), 5u + 16u * 12 + 4);  // HF BertForSequenceClassification: 201
  std::set<std::string> unique;
  for (const auto& [name, shape] : all) {
    EXPECT_TRUE(unique.insert(name).second) << name;
    const auto id = parse_tensor_name(name);
    ASSERT_TRUE(id.has_value()) << name;
    EXPECT_EQ(tensor_name(id->tensor, id->layer), name);
    EXPECT_EQ(expected_shape(id->tensor, c), shape);
  }
  EXPECT_EQ(all.front().first, "bert.embeddings.word_embeddings.weight");
  EXPECT_EQ(all.back().first, "classifier.bias");
  EXPECT_FALSE(parse_tensor_name("encoder.layer.0.output.dense.weight"));
  EXPECT_FALSE(parse_tensor_name("bert.encoder.layer.03.output.dense.weight"));
  EXPECT_FALSE(parse_tensor_name("bert.encoder.layer.x.output.dense.weight"));
  EXPECT_FALSE(parse_tensor_name("bert.encoder.layer.0.output.dense.weight_scale"));
  EXPECT_FALSE(parse_tensor_name("bert.encoder.layer.99999999999.output.dense.weight"));
  EXPECT_EQ(parse_tensor_name("bert.encoder.layer.40.output.dense.weight")->layer, 40);
}

}  // namespace
}  // namespace bertq::io
