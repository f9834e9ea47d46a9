// BertConfig: HF config.json parsing, defaults, label maps, extra fields kept, errors naming
// the field, and the golden model configs.
#include "io/bert_config.h"
#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"

namespace bertq::io {
namespace {

using nlohmann::json;

json tiny_json() {
  return json::parse(R"({
    "architectures": ["BertForSequenceClassification"], "model_type": "bert",
    "vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
    "intermediate_size": 64, "hidden_act": "gelu_new", "max_position_embeddings": 64,
    "type_vocab_size": 2, "layer_norm_eps": 1e-5, "pad_token_id": 1,
    "hidden_dropout_prob": 0.2, "attention_probs_dropout_prob": 0.0, "classifier_dropout": null,
    "id2label": {"1": "POS", "0": "NEG", "2": "MIXED"},
    "label2id": {"NEG": 0, "POS": 1, "MIXED": 2},
    "initializer_range": 0.02, "quantization_config": {"scheme": "s8"}})");
}

void expect_error(const json& j, ErrorCode code, const std::string& fragment) {
  try {
    BertConfig::from_json(j, "m/config.json");
    ADD_FAILURE() << "accepted: " << j.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find("m/config.json: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(BertConfig, ParsesFields) {
  const BertConfig c = BertConfig::from_json(tiny_json(), "x");
  EXPECT_EQ(c.vocab_size, 100);
  EXPECT_EQ(c.hidden_size, 32);
  EXPECT_EQ(c.num_hidden_layers, 2);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.head_size(), 8);
  EXPECT_EQ(c.intermediate_size, 64);
  EXPECT_EQ(c.hidden_act, Activation::GELU_NEW);
  EXPECT_EQ(c.max_position_embeddings, 64);
  EXPECT_EQ(c.pad_token_id, 1);
  EXPECT_FLOAT_EQ(c.layer_norm_eps, 1e-5f);
  EXPECT_FLOAT_EQ(c.hidden_dropout_prob, 0.2f);
  EXPECT_FALSE(c.classifier_dropout.has_value());
  EXPECT_EQ(c.id2label, (std::vector<std::string>{"NEG", "POS", "MIXED"}));
  EXPECT_EQ(c.num_labels(), 3);
  EXPECT_EQ(c.label_id("MIXED"), 2);
  EXPECT_EQ(c.label_id("nope"), -1);
  EXPECT_EQ(c.extra["quantization_config"]["scheme"], "s8");
  EXPECT_FALSE(c.extra.contains("hidden_size"));
}

TEST(BertConfig, Defaults) {
  const BertConfig c = BertConfig::from_json(json::object(), "x");
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_hidden_layers, 12);
  EXPECT_EQ(c.hidden_act, Activation::GELU);
  EXPECT_EQ(c.id2label, (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
  const BertConfig n = BertConfig::from_json(json{{"num_labels", 3}}, "x");
  EXPECT_EQ(n.id2label, (std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"}));
}

TEST(BertConfig, SaveLoadRoundTripKeepsExtra) {
  bertq::testing::TempDir tmp;
  BertConfig c = BertConfig::from_json(tiny_json(), "x");
  c.classifier_dropout = 0.3f;
  c.save(tmp.file("config.json"));
  const BertConfig d = BertConfig::load(tmp.file("config.json"));
  EXPECT_EQ(d.to_json(), c.to_json());
  const json j = json::parse(read_file(tmp.file("config.json")));
  EXPECT_EQ(j["architectures"][0], "BertForSequenceClassification");
  EXPECT_EQ(j["model_type"], "bert");
  EXPECT_EQ(j["id2label"]["2"], "MIXED");
  EXPECT_EQ(j["label2id"]["POS"], 1);
  EXPECT_EQ(j["hidden_act"], "gelu_new");
  EXPECT_EQ(j["quantization_config"]["scheme"], "s8");
  // Floats are written with the shortest text: 1e-05, 0.3, not 0.30000001192092896.
  EXPECT_EQ(j["classifier_dropout"].dump(), "0.3");
  EXPECT_EQ(j["layer_norm_eps"].dump(), "1e-05");
}

// Each architecture's own keys survive save + load: RoBERTa keeps its layer_norm_eps (1e-5 in
// real RoBERTa configs), DistilBERT writes dim / n_layers / ... and no BERT-only key.
TEST(BertConfig, OtherArchitecturesRoundTripInTheirOwnKeys) {
  bertq::testing::TempDir tmp;
  json r = tiny_json();
  r["model_type"] = "roberta";
  r["type_vocab_size"] = 1;
  const BertConfig rc = BertConfig::from_json(r, "r");
  EXPECT_EQ(rc.arch, Arch::ROBERTA);
  rc.save(tmp.file("r.json"));
  EXPECT_EQ(json::parse(read_file(tmp.file("r.json")))["layer_norm_eps"].dump(), "1e-05");
  EXPECT_FLOAT_EQ(BertConfig::load(tmp.file("r.json")).layer_norm_eps, 1e-5f);
  EXPECT_EQ(rc.max_tokens(), 64 - 2);  // positions start at pad_token_id 1 + 1

  const json d = json::parse(R"({"model_type": "distilbert", "vocab_size": 100, "dim": 32,
    "n_layers": 2, "n_heads": 4, "hidden_dim": 64, "activation": "gelu",
    "max_position_embeddings": 64, "dropout": 0.1, "attention_dropout": 0.1})");
  const BertConfig dc = BertConfig::from_json(d, "d");
  EXPECT_EQ(dc.arch, Arch::DISTILBERT);
  EXPECT_EQ(dc.hidden_size, 32);
  EXPECT_EQ(dc.intermediate_size, 64);
  EXPECT_EQ(dc.type_vocab_size, 1);
  EXPECT_FLOAT_EQ(*dc.classifier_dropout, 0.2f);  // DistilBertConfig's seq_classif_dropout
  dc.save(tmp.file("d.json"));
  const json w = json::parse(read_file(tmp.file("d.json")));
  for (const char* k :
       {"dim", "n_layers", "n_heads", "hidden_dim", "activation", "seq_classif_dropout"})
    EXPECT_TRUE(w.contains(k)) << k;
  for (const char* k : {"hidden_size", "num_hidden_layers", "type_vocab_size", "layer_norm_eps"})
    EXPECT_FALSE(w.contains(k)) << k;
  EXPECT_EQ(BertConfig::load(tmp.file("d.json")).to_json(), dc.to_json());
}

TEST(BertConfig, RejectsBadFields) {
  auto with = [](const char* k, json v) {
    json j = tiny_json();
    j[k] = std::move(v);
    return j;
  };
  expect_error(with("hidden_size", "32"), ErrorCode::CORRUPT_FILE,
               "field hidden_size: expected an integer");
  expect_error(with("hidden_size", 32.5), ErrorCode::CORRUPT_FILE, "field hidden_size");
  expect_error(with("hidden_size", 30), ErrorCode::CORRUPT_FILE,
               "not a multiple of num_attention_heads");
  expect_error(with("num_hidden_layers", 0), ErrorCode::CORRUPT_FILE,
               "field num_hidden_layers: must be positive");
  expect_error(with("vocab_size", 1e12), ErrorCode::CORRUPT_FILE, "field vocab_size");
  expect_error(with("vocab_size", int64_t{1} << 40), ErrorCode::CORRUPT_FILE, "out of range");
  expect_error(with("layer_norm_eps", -1), ErrorCode::CORRUPT_FILE, "field layer_norm_eps");
  expect_error(with("hidden_dropout_prob", 1.5), ErrorCode::CORRUPT_FILE, "hidden_dropout_prob");
  expect_error(with("pad_token_id", 100), ErrorCode::CORRUPT_FILE, "pad_token_id");
  expect_error(with("hidden_act", "swish"), ErrorCode::UNSUPPORTED,
               "hidden_act: activation \"swish\"");
  expect_error(with("hidden_act", 3), ErrorCode::CORRUPT_FILE, "hidden_act");
  expect_error(with("model_type", "deberta-v2"), ErrorCode::UNSUPPORTED, "model_type");
  expect_error(with("position_embedding_type", "relative_key"), ErrorCode::UNSUPPORTED,
               "position_embedding_type");
  expect_error(with("id2label", json{{"0", "A"}, {"2", "B"}}), ErrorCode::CORRUPT_FILE,
               "key \"2\"");
  expect_error(with("id2label", json{{"x", "A"}}), ErrorCode::CORRUPT_FILE, "key \"x\"");
  expect_error(with("id2label", json{{"0", "A"}, {"1", "A"}}), ErrorCode::CORRUPT_FILE,
               "given twice");
  expect_error(with("id2label", json{{"0", 5}}), ErrorCode::CORRUPT_FILE, "must be a string");
  expect_error(with("label2id", json{{"NEG", 1}, {"POS", 0}, {"MIXED", 2}}),
               ErrorCode::CORRUPT_FILE, "label2id");
  expect_error(with("label2id", json{{"NEG", 0}}), ErrorCode::CORRUPT_FILE, "label2id");
  expect_error(with("num_labels", 2), ErrorCode::CORRUPT_FILE, "num_labels");
  expect_error(json::array(), ErrorCode::CORRUPT_FILE, "must be a JSON object");
}

TEST(BertConfig, RecipeBlock) {
  json j = tiny_json();
  j["bertq"] = {
      {"max_length", 48}, {"truncation", "head+tail"}, {"head_tokens", 12}, {"note", "kept"}};
  const BertConfig c = BertConfig::from_json(j, "x");
  ASSERT_TRUE(c.recipe.has_value());
  EXPECT_EQ(c.recipe->max_length, 48);
  EXPECT_EQ(c.recipe->truncation, "head+tail");
  EXPECT_EQ(c.recipe->head_tokens, 12);
  EXPECT_EQ(c.recipe->extra["note"], "kept");
  EXPECT_FALSE(c.extra.contains("bertq"));
  // Written back as read (with the unknown key), and absent when there is none.
  EXPECT_EQ(c.to_json()["bertq"], j["bertq"]);
  bertq::testing::TempDir tmp;
  c.save(tmp.file("config.json"));
  EXPECT_EQ(BertConfig::load(tmp.file("config.json")).to_json(), c.to_json());
  EXPECT_FALSE(BertConfig::from_json(tiny_json(), "x").recipe.has_value());
  EXPECT_FALSE(BertConfig::from_json(tiny_json(), "x").to_json().contains("bertq"));
  // Every key is optional.
  json partial = tiny_json();
  partial["bertq"] = {{"truncation", "tail"}};
  const BertConfig p = BertConfig::from_json(partial, "x");
  EXPECT_FALSE(p.recipe->max_length.has_value());
  EXPECT_EQ(p.recipe->truncation, "tail");
  EXPECT_FALSE(p.recipe->head_tokens.has_value());
  EXPECT_EQ(p.to_json()["bertq"], partial["bertq"]);
}

TEST(BertConfig, RecipeBlockErrorsNameTheField) {
  auto with = [](json block) {
    json j = tiny_json();
    j["bertq"] = std::move(block);
    return j;
  };
  expect_error(with(json::array()), ErrorCode::CORRUPT_FILE, "field bertq: expected an object");
  expect_error(with({{"max_length", "128"}}), ErrorCode::CORRUPT_FILE,
               "field bertq.max_length: expected an integer");
  expect_error(with({{"max_length", 2}}), ErrorCode::CORRUPT_FILE,
               "field bertq.max_length: must be >= 3");
  expect_error(
      with({{"max_length", 65}}), ErrorCode::CORRUPT_FILE,
      "field bertq.max_length: 65 exceeds the model's 64 positions (max_position_embeddings)");
  expect_error(with({{"truncation", "middle"}}), ErrorCode::CORRUPT_FILE,
               "field bertq.truncation: expected");
  expect_error(with({{"truncation", 1}}), ErrorCode::CORRUPT_FILE, "field bertq.truncation");
  expect_error(with({{"head_tokens", -1}}), ErrorCode::CORRUPT_FILE,
               "field bertq.head_tokens: must be >= 0");
  expect_error(with({{"head_tokens", 1.5}}), ErrorCode::CORRUPT_FILE, "field bertq.head_tokens");
}

TEST(BertConfig, LoadErrorsNameTheFile) {
  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("config.json"), "{\"hidden_size\": ");
  try {
    BertConfig::load(tmp.file("config.json"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE);
    EXPECT_NE(std::string(e.what()).find(tmp.file("config.json")), std::string::npos);
  }
  EXPECT_THROW(BertConfig::load(tmp.file("missing.json")), Error);
}

TEST(BertConfig, ValidateNamesField) {
  BertConfig c;
  c.num_attention_heads = 7;
  try {
    c.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("hidden_size"), std::string::npos);
  }
  c = BertConfig();
  c.id2label.clear();
  EXPECT_THROW(c.validate(), Error);
}

TEST(BertConfig, GoldenConfigs) {
  BERTQ_REQUIRE_SHARED(tiny, "golden/model/tiny/model/config.json");
  const BertConfig t = BertConfig::load(tiny);
  EXPECT_EQ(t.num_hidden_layers, 2);
  EXPECT_EQ(t.hidden_size, 64);
  EXPECT_EQ(t.num_attention_heads, 4);
  EXPECT_EQ(t.intermediate_size, 256);
  EXPECT_EQ(t.vocab_size, 30522);
  EXPECT_EQ(t.id2label, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
  BERTQ_REQUIRE_SHARED(odd, "golden/model/odd/model/config.json");
  const BertConfig o = BertConfig::load(odd);
  EXPECT_EQ(o.num_hidden_layers, 3);
  EXPECT_EQ(o.hidden_size, 96);
  EXPECT_EQ(o.num_attention_heads, 3);
  EXPECT_EQ(o.intermediate_size, 200);
  BERTQ_REQUIRE_SHARED(base, "data/bert-base-uncased/config.json");
  const BertConfig b = BertConfig::load(base);
  EXPECT_EQ(b.hidden_size, 768);
  EXPECT_EQ(b.num_labels(), 2);
}

}  // namespace
}  // namespace bertq::io
