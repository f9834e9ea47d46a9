// WeightStore / ModelFolder: name normalisation (BertModel checkpoints, cls.* heads), shape and
// dtype checks with clear errors, F16/BF16 conversion, the refusal of a missing head,
// and the golden model folders in ../shared.
#include <cstring>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"
#include "io/model_folder.h"
#include "st_test_util.h"

namespace bertq::io {
namespace {

BertConfig small_config() {
  BertConfig c;
  c.vocab_size = 50;
  c.hidden_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 16;
  c.max_position_embeddings = 16;
  c.id2label = {"NEG", "POS"};
  return c;
}

// A complete random model's tensors, as (name, values) in canonical order.
std::vector<std::pair<std::string, std::vector<int64_t>>> names() {
  return all_tensor_names(small_config());
}

// Builds a file from the canonical random model, letting `rename` change (or drop, by returning
// "") each name and `extra` add tensors.
std::string build(const std::function<std::string(const std::string&)>& rename,
                  const std::function<void(SafeTensorsWriter&)>& extra = nullptr) {
  InitOptions o;
  o.config = small_config();
  o.seed = 5;
  const SafeTensorsWriter init = init_random_weights(o);
  SafeTensorsWriter w;
  for (const TensorView& t : init.tensors()) {
    const std::string n = rename(t.name);
    if (n.empty()) continue;
    std::vector<uint8_t> bytes(static_cast<const uint8_t*>(t.data),
                               static_cast<const uint8_t*>(t.data) + t.nbytes);
    w.add_owned(n, t.dtype, t.shape, std::move(bytes));
  }
  if (extra) extra(w);
  return w.serialize();
}

std::string same(const std::string& n) {
  return n;
}

WeightStore load_bytes(const std::string& bytes, HeadPolicy heads = HeadPolicy::REQUIRE) {
  return WeightStore::load(SafeTensorsFile::from_buffer(bytes, "m.safetensors"), small_config(),
                           heads);
}

::testing::AssertionResult load_fails(const std::string& bytes, ErrorCode code,
                                      std::initializer_list<std::string> fragments) {
  try {
    load_bytes(bytes);
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (e.code() != code)
      return ::testing::AssertionFailure() << "code " << error_code_name(e.code()) << ": " << msg;
    for (const auto& f : fragments)
      if (msg.find(f) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks \"" << f << "\": " << msg;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "loaded a bad model";
}

TEST(WeightStore, LoadsCanonicalCheckpoint) {
  const std::string bytes = build(same);
  const WeightStore ws = load_bytes(bytes);
  const auto file = SafeTensorsFile::from_buffer(bytes);
  EXPECT_EQ(ws.names().size(), names().size());
  EXPECT_TRUE(ws.missing_head().empty());
  for (const auto& [name, shape] : names()) {
    const TensorView& v = ws.get(name);
    EXPECT_EQ(v.shape, shape);
    EXPECT_EQ(v.dtype, DType::F32);
    EXPECT_EQ(std::memcmp(v.data, file.get(name).data, v.nbytes), 0) << name;
  }
  const float* ln = ws.f32(BertTensor::FFN_LN_WEIGHT, 1);
  EXPECT_EQ(ln[0], 1.0f);
  EXPECT_EQ(ws.get(BertTensor::Q_WEIGHT, 1).name,
            "bert.encoder.layer.1.attention.self.query.weight");
  EXPECT_THROW(ws.get("bert.nothing"), Error);
  // Copies share the data.
  const WeightStore copy = ws;
  EXPECT_EQ(copy.f32(BertTensor::CLASSIFIER_WEIGHT), ws.f32(BertTensor::CLASSIFIER_WEIGHT));
}

TEST(WeightStore, BertModelCheckpointWithoutPrefixAndWithPretrainingHeads) {
  // BertModel / BertForPreTraining style: no "bert." prefix, cls.* heads, position_ids buffer,
  // old gamma/beta LayerNorm names.
  const std::string bytes = build(
      [](const std::string& n) {
        std::string m = n.compare(0, 5, "bert.") == 0 ? n.substr(5) : n;
        if (m == "embeddings.LayerNorm.weight") m = "embeddings.LayerNorm.gamma";
        if (m == "embeddings.LayerNorm.bias") m = "embeddings.LayerNorm.beta";
        return m;
      },
      [](SafeTensorsWriter& w) {
        w.add_f32("cls.predictions.bias", {50}, std::vector<float>(50, 0.5f));
        w.add_f32("cls.predictions.transform.dense.weight", {8, 8}, std::vector<float>(64, 0.5f));
        w.add_owned("embeddings.position_ids", DType::I64, {1, 16}, std::vector<uint8_t>(128, 0));
      });
  const WeightStore ws = load_bytes(bytes);
  EXPECT_EQ(ws.names().size(), names().size());
  EXPECT_EQ(ws.find("cls.predictions.bias"), nullptr);
  EXPECT_EQ(ws.f32(BertTensor::EMB_LN_WEIGHT)[3], 1.0f);
  EXPECT_NE(ws.find("bert.encoder.layer.1.output.dense.weight"), nullptr);
  EXPECT_TRUE(ws.missing_head().empty());
  EXPECT_EQ(canonical_name(Arch::BERT, "bert.embeddings.position_ids"), "");
  EXPECT_EQ(canonical_name(Arch::BERT, "pooler.dense.bias"), "bert.pooler.dense.bias");
  EXPECT_EQ(canonical_name(Arch::BERT, "classifier.weight"), "classifier.weight");
}

// Each architecture's names to the canonical ones and back (what loading and writing do).
TEST(ArchitectureNames, MapToCanonicalAndBack) {
  const std::pair<Arch, std::vector<std::pair<std::string, std::string>>> cases[] = {
      {Arch::DISTILBERT,
       {{"distilbert.embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight"},
        {"distilbert.transformer.layer.3.attention.q_lin.weight",
         "bert.encoder.layer.3.attention.self.query.weight"},
        {"distilbert.transformer.layer.12.sa_layer_norm.bias",
         "bert.encoder.layer.12.attention.output.LayerNorm.bias"},
        {"distilbert.transformer.layer.0.ffn.lin2.weight_scale",
         "bert.encoder.layer.0.output.dense.weight_scale"},
        {"distilbert.transformer.layer.1.output_layer_norm.weight",
         "bert.encoder.layer.1.output.LayerNorm.weight"},
        {"pre_classifier.weight", "bert.pooler.dense.weight"},
        {"classifier.bias", "classifier.bias"}}},
      {Arch::ROBERTA,
       {{"roberta.encoder.layer.2.intermediate.dense.weight",
         "bert.encoder.layer.2.intermediate.dense.weight"},
        {"classifier.dense.bias", "bert.pooler.dense.bias"},
        {"classifier.out_proj.weight", "classifier.weight"}}}};
  for (const auto& [arch, pairs] : cases)
    for (const auto& [own, canonical] : pairs) {
      EXPECT_EQ(canonical_name(arch, own), canonical) << own;
      EXPECT_EQ(checkpoint_name(arch, canonical), own) << canonical;
    }
  // Base-model names get the prefix; pre-training heads are dropped.
  EXPECT_EQ(canonical_name(Arch::DISTILBERT, "transformer.layer.0.ffn.lin1.bias"),
            "bert.encoder.layer.0.intermediate.dense.bias");
  EXPECT_EQ(canonical_name(Arch::DISTILBERT, "vocab_projector.weight"), "");
  EXPECT_EQ(canonical_name(Arch::XLM_ROBERTA, "embeddings.word_embeddings.weight"),
            "bert.embeddings.word_embeddings.weight");
  EXPECT_EQ(canonical_name(Arch::ROBERTA, "lm_head.dense.weight"), "");
  EXPECT_EQ(canonical_name(Arch::ROBERTA, "roberta.pooler.dense.weight"), "");
  EXPECT_EQ(checkpoint_name(Arch::BERT, "bert.pooler.dense.weight"), "bert.pooler.dense.weight");
}

// Inference never makes up a head: a base checkpoint is refused, naming the tensors and the
// commands that give it one; only HeadPolicy::ALLOW_MISSING (convert, `init --from`) lists them.
TEST(WeightStore, MissingClassifierOrPoolerIsRefused) {
  const std::string no_cls =
      build([](const std::string& n) { return n.compare(0, 11, "classifier.") == 0 ? "" : n; });
  EXPECT_TRUE(load_fails(no_cls, ErrorCode::NOT_FOUND,
                         {"m.safetensors: no classification head (classifier.weight, "
                          "classifier.bias not in the checkpoint)",
                          "bertq train", "bertq init --from"}));
  const std::string no_pooler =
      build([](const std::string& n) { return n.compare(0, 11, "bert.pooler") == 0 ? "" : n; });
  EXPECT_TRUE(load_fails(no_pooler, ErrorCode::NOT_FOUND,
                         {"bert.pooler.dense.weight, bert.pooler.dense.bias"}));
  const WeightStore listed = load_bytes(no_cls, HeadPolicy::ALLOW_MISSING);
  EXPECT_EQ(listed.missing_head(),
            (std::vector<std::string>{"classifier.weight", "classifier.bias"}));
  EXPECT_EQ(listed.find("classifier.weight"), nullptr);
}

// `bertq init --from`: the base's tensors unchanged, only the missing head drawn (seeded).
TEST(InitHeadFolder, DrawsOnlyTheMissingHead) {
  bertq::testing::TempDir tmp;
  const std::string bytes =
      build([](const std::string& n) { return n.compare(0, 11, "classifier.") == 0 ? "" : n; });
  make_dirs(tmp.file("base"));
  write_file_atomic(tmp.file("base/model.safetensors"), bytes);
  small_config().save(tmp.file("base/config.json"));
  write_file_atomic(tmp.file("base/vocab.txt"), "[PAD]\n[UNK]\n");
  EXPECT_THROW(ModelFolder::load(tmp.file("base")), Error);
  const InitHeadResult r = init_head_folder(tmp.file("base"), tmp.file("a"), {}, 3, 0.02f, false);
  EXPECT_EQ(r.initialized, (std::vector<std::string>{"classifier.weight", "classifier.bias"}));
  const ModelFolder a = ModelFolder::load(tmp.file("a"));
  const ModelFolder b = ModelFolder::load(tmp.file("base"), HeadPolicy::ALLOW_MISSING);
  const TensorView& q = a.weights.get(BertTensor::Q_WEIGHT, 1);
  EXPECT_EQ(std::memcmp(q.data, b.weights.get(BertTensor::Q_WEIGHT, 1).data, q.nbytes), 0);
  const float* x = a.weights.f32(BertTensor::CLASSIFIER_WEIGHT);
  bool nonzero = false;
  for (int i = 0; i < 16; ++i) nonzero = nonzero || x[i] != 0;
  EXPECT_TRUE(nonzero);
  EXPECT_TRUE(file_exists(tmp.file("a/vocab.txt")));
  // Seeded; a folder that has its head needs --labels to change anything.
  init_head_folder(tmp.file("base"), tmp.file("b"), {}, 3, 0.02f, false);
  EXPECT_EQ(read_file(tmp.file("a/model.safetensors")), read_file(tmp.file("b/model.safetensors")));
  EXPECT_THROW(init_head_folder(tmp.file("a"), tmp.file("c"), {}, 3, 0.02f, false), Error);
  const InitHeadResult three =
      init_head_folder(tmp.file("a"), tmp.file("c"), {"x", "y", "z"}, 3, 0.02f, false);
  EXPECT_EQ(three.config.num_labels(), 3);
  EXPECT_EQ(ModelFolder::load(tmp.file("c")).weights.get(BertTensor::CLASSIFIER_WEIGHT).shape,
            (std::vector<int64_t>{3, 8}));
}

TEST(WeightStore, MissingEncoderTensorIsNotFound) {
  const std::string bytes = build([](const std::string& n) {
    return n == "bert.encoder.layer.1.attention.self.key.bias" ? "" : n;
  });
  EXPECT_TRUE(
      load_fails(bytes, ErrorCode::NOT_FOUND,
                 {"m.safetensors: tensor bert.encoder.layer.1.attention.self.key.bias not found"}));
}

TEST(WeightStore, WrongShapeNamesTensor) {
  // Transposed FFN output weight: [16, 8] instead of [8, 16].
  const std::string bytes = testing::edit_header(build(same), [](testing::OJson& h) {
    h["bert.encoder.layer.1.output.dense.weight"]["shape"] = {16, 8};
  });
  EXPECT_TRUE(load_fails(bytes, ErrorCode::CORRUPT_FILE,
                         {"m.safetensors: tensor bert.encoder.layer.1.output.dense.weight: "
                          "expected [8, 16], got [16, 8]"}));
  // engine::Classifier for 3 labels while config.json has 2.
  const std::string three =
      build([](const std::string& n) { return n.compare(0, 11, "classifier.") == 0 ? "" : n; },
            [](SafeTensorsWriter& w) {
              w.add_f32("classifier.weight", {3, 8}, std::vector<float>(24));
              w.add_f32("classifier.bias", {3}, std::vector<float>(3));
            });
  EXPECT_TRUE(load_fails(three, ErrorCode::CORRUPT_FILE,
                         {"classifier", "expected [2, 8], got [3, 8]", "2 labels"}));
  // A layer beyond num_hidden_layers.
  const std::string deep = build(same, [](SafeTensorsWriter& w) {
    w.add_f32("bert.encoder.layer.2.output.dense.bias", {8}, std::vector<float>(8));
  });
  EXPECT_TRUE(load_fails(deep, ErrorCode::CORRUPT_FILE, {"layer.2", "num_hidden_layers 2"}));
}

TEST(WeightStore, WrongDtypeIsRejected) {
  // I64 word embeddings (same byte count as F32 [50, 8] would not be: 8 bytes each).
  const std::string i64 = build(
      [](const std::string& n) { return n == "bert.embeddings.word_embeddings.weight" ? "" : n; },
      [](SafeTensorsWriter& w) {
        w.add_owned("bert.embeddings.word_embeddings.weight", DType::I64, {50, 8},
                    std::vector<uint8_t>(50 * 8 * 8));
      });
  EXPECT_TRUE(load_fails(i64, ErrorCode::UNSUPPORTED, {"word_embeddings.weight", "dtype I64"}));
  // I8 is fine for a Linear weight (quantized) but not for a LayerNorm weight.
  const std::string i8 = build(
      [](const std::string& n) {
        return n == "bert.encoder.layer.0.output.LayerNorm.weight" ? "" : n;
      },
      [](SafeTensorsWriter& w) {
        w.add_owned("bert.encoder.layer.0.output.LayerNorm.weight", DType::I8, {8},
                    std::vector<uint8_t>(8));
      });
  EXPECT_TRUE(load_fails(i8, ErrorCode::UNSUPPORTED, {"LayerNorm.weight", "dtype I8"}));
  // Same name twice after normalisation.
  const std::string dup = build(same, [](SafeTensorsWriter& w) {
    w.add_f32("pooler.dense.bias", {8}, std::vector<float>(8));
  });
  EXPECT_TRUE(load_fails(dup, ErrorCode::CORRUPT_FILE, {"bert.pooler.dense.bias appears twice"}));
}

TEST(WeightStore, QuantizedWeightsKeptAsIs) {
  const std::string q = "bert.encoder.layer.0.intermediate.dense.weight";
  const std::string bytes = build([&](const std::string& n) { return n == q ? "" : n; },
                                  [&](SafeTensorsWriter& w) {
                                    std::vector<uint8_t> v(16 * 8);
                                    for (size_t i = 0; i < v.size(); ++i)
                                      v[i] = static_cast<uint8_t>(i);
                                    w.add_owned(q, DType::I8, {16, 8}, v);
                                    w.add_f32(q + "_scale", {16}, std::vector<float>(16, 0.01f));
                                  });
  const WeightStore ws = load_bytes(bytes);
  EXPECT_EQ(ws.get(BertTensor::FFN_IN_WEIGHT, 0).dtype, DType::I8);
  EXPECT_EQ(static_cast<const int8_t*>(ws.get(q).data)[5], 5);
  EXPECT_EQ(ws.f32(q + "_scale")[15], 0.01f);
  try {
    ws.f32(BertTensor::FFN_IN_WEIGHT, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find("is I8, not F32"), std::string::npos);
  }
  // A wrong-shaped I8 weight is rejected like an F32 one.
  const std::string bad = testing::edit_header(bytes, [&](testing::OJson& h) {
    h[q]["shape"] = {8, 16};
  });
  EXPECT_TRUE(load_fails(bad, ErrorCode::CORRUPT_FILE, {q, "expected [16, 8], got [8, 16]"}));
}

TEST(WeightStore, F16AndBF16AreConvertedAtLoad) {
  const std::string name = "bert.encoder.layer.0.attention.self.value.weight";
  const uint16_t f16[4] = {0x3c00, 0xc000, 0x3555, 0x0001};
  const uint16_t bf16[4] = {0x3f80, 0xc040, 0x3eaa, 0x0001};
  for (DType t : {DType::F16, DType::BF16}) {
    const std::string bytes =
        build([&](const std::string& n) { return n == name ? "" : n; },
              [&](SafeTensorsWriter& w) {
                std::vector<uint8_t> v(64 * 2);
                for (int i = 0; i < 64; ++i)
                  std::memcpy(&v[2 * i], t == DType::F16 ? &f16[i % 4] : &bf16[i % 4], 2);
                w.add_owned(name, t, {8, 8}, v);
              });
    const WeightStore ws = load_bytes(bytes);
    const TensorView& v = ws.get(name);
    EXPECT_EQ(v.dtype, DType::F32);
    EXPECT_EQ(v.nbytes, 64u * 4);
    const float* x = ws.f32(BertTensor::V_WEIGHT, 0);
    EXPECT_EQ(x[0], 1.0f);
    EXPECT_EQ(x[1], t == DType::F16 ? -2.0f : -3.0f);
    EXPECT_EQ(x[2], t == DType::F16 ? 0.333251953125f : 0.33203125f);
    EXPECT_EQ(x[3], t == DType::F16 ? std::ldexp(1.0f, -24) : std::ldexp(1.0f, -133));
    EXPECT_EQ(x[63], x[3]);
  }
}

TEST(WeightStore, MisalignedF32IsCopiedAligned) {
  // A 1-byte tensor first in the data section shifts every F32 tensor by one byte.
  const testing::Split s = testing::split_file(build(same));
  testing::OJson h = testing::OJson::object();
  h["zz_pad"] = {{"dtype", "U8"}, {"shape", {1}}, {"data_offsets", {0, 1}}};
  for (auto it = s.header.begin(); it != s.header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    testing::OJson e = it.value();
    e["data_offsets"] = {e["data_offsets"][0].get<uint64_t>() + 1,
                         e["data_offsets"][1].get<uint64_t>() + 1};
    h[it.key()] = e;
  }
  std::string text = h.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::string bytes = testing::build_file(text, std::string(1, '\x7f') + s.data);
  const auto file = SafeTensorsFile::from_buffer(bytes);
  ASSERT_NE(reinterpret_cast<uintptr_t>(file.get("classifier.bias").data) % 4, 0u);
  const WeightStore ws = load_bytes(bytes);
  for (const auto& [name, shape] : names()) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(ws.get(name).data) % 4, 0u) << name;
    EXPECT_EQ(std::memcmp(ws.get(name).data, file.get(name).data, ws.get(name).nbytes), 0) << name;
  }
}

TEST(ModelFolder, WriteAndLoad) {
  bertq::testing::TempDir tmp;
  InitOptions o;
  o.config = small_config();
  o.seed = 11;
  const SafeTensorsWriter w = init_random_weights(o);
  const std::string tok = tmp.file("tok");
  make_dirs(tok);
  write_file_atomic(join_path(tok, "vocab.txt"), "[PAD]\n[UNK]\nhello\n");
  write_file_atomic(join_path(tok, "tokenizer_config.json"), "{\"do_lower_case\": true}");
  const std::string dir = tmp.file("model");
  write_model_folder(dir, o.config, w, tok);
  EXPECT_TRUE(file_exists(join_path(dir, "config.json")));
  EXPECT_EQ(read_file(join_path(dir, "vocab.txt")), "[PAD]\n[UNK]\nhello\n");
  EXPECT_TRUE(file_exists(join_path(dir, "tokenizer_config.json")));
  const ModelFolder m = ModelFolder::load(dir);
  EXPECT_TRUE(m.has_tokenizer());
  EXPECT_EQ(m.config.to_json(), o.config.to_json());
  EXPECT_EQ(m.weights.names().size(), names().size());
  EXPECT_EQ(m.weights.get(BertTensor::WORD_EMBEDDINGS).shape, (std::vector<int64_t>{50, 8}));
  // Writing an incomplete model is refused before anything is written.
  SafeTensorsWriter partial;
  partial.add_f32("classifier.bias", {2}, {0, 0});
  EXPECT_THROW(write_model_folder(tmp.file("partial"), o.config, partial), Error);
  EXPECT_FALSE(dir_exists(tmp.file("partial")));
  EXPECT_THROW(write_model_folder(tmp.file("m2"), o.config, w, tmp.file("nothing")), Error);
}

TEST(ModelFolder, ClearErrorsForMissingFiles) {
  bertq::testing::TempDir tmp;
  auto fails = [](const std::string& dir, ErrorCode code, const std::string& fragment) {
    try {
      ModelFolder::load(dir);
      ADD_FAILURE() << "loaded " << dir;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  fails(tmp.file("none"), ErrorCode::NOT_FOUND, "no such model folder");
  fails(tmp.path(), ErrorCode::NOT_FOUND, "no config.json; download with `bertq download model");
  small_config().save(tmp.file("config.json"));
  fails(tmp.path(), ErrorCode::NOT_FOUND, "no model.safetensors");
  write_file_atomic(tmp.file("pytorch_model.bin"), "x");
  fails(tmp.path(), ErrorCode::UNSUPPORTED, "pytorch_model.bin");
  write_file_atomic(tmp.file("model.safetensors"), "garbage!garbage");
  fails(tmp.path(), ErrorCode::CORRUPT_FILE, tmp.file("model.safetensors"));
}

TEST(ModelFolder, GoldenModels) {
  for (const char* name : {"tiny", "odd"}) {
    BERTQ_REQUIRE_SHARED(dir, cat("golden/model/", name, "/model"));
    const ModelFolder m = ModelFolder::load(dir);
    const bool tiny = std::string(name) == "tiny";
    EXPECT_EQ(m.config.num_hidden_layers, tiny ? 2 : 3);
    EXPECT_EQ(m.config.hidden_size, tiny ? 64 : 96);
    EXPECT_EQ(m.config.intermediate_size, tiny ? 256 : 200);
    EXPECT_EQ(m.config.id2label, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
    EXPECT_TRUE(m.has_tokenizer());
    // Every tensor present, none initialised: 5 + 16 L + 4.
    EXPECT_EQ(m.weights.names().size(), 5u + 16u * m.config.num_hidden_layers + 4) << name;
    EXPECT_TRUE(m.weights.missing_head().empty());
    const auto file = SafeTensorsFile(join_path(dir, "model.safetensors"));
    EXPECT_EQ(file.tensors().size(), m.weights.names().size());
    // F32 tensors point into the mapping (no copy) and hold the file's bytes.
    const TensorView& w = m.weights.get(BertTensor::WORD_EMBEDDINGS);
    EXPECT_EQ(w.shape, (std::vector<int64_t>{30522, m.config.hidden_size}));
    EXPECT_EQ(std::memcmp(w.data, file.get(w.name).data, w.nbytes), 0);
  }
}

TEST(SafeTensorsGolden, ForwardFileI64AndF32) {
  BERTQ_REQUIRE_SHARED(path, "golden/model/tiny/forward.safetensors");
  const SafeTensorsFile f(path);
  const TensorView& ids = f.get("input_ids");
  EXPECT_EQ(ids.dtype, DType::I64);
  ASSERT_EQ(ids.shape.size(), 2u);
  EXPECT_EQ(ids.shape[0], 8);
  const TensorView& mask = f.get("attention_mask");
  EXPECT_EQ(mask.shape, ids.shape);
  const TensorView& logits = f.get("logits");
  EXPECT_EQ(logits.dtype, DType::F32);
  EXPECT_EQ(logits.shape, (std::vector<int64_t>{8, 2}));
  EXPECT_EQ(f.get("hidden_states.2").shape, (std::vector<int64_t>{8, ids.shape[1], 64}));
  EXPECT_EQ(f.metadata().at("dtype_computed"), "float64");
  // The README: row 0 has length 5, so mask row 0 is 1 1 1 1 1 0 ...; [CLS] = 101 first.
  std::vector<int64_t> m(ids.shape[1]), id(ids.shape[1]);
  std::memcpy(m.data(), mask.data, m.size() * 8);
  std::memcpy(id.data(), ids.data, id.size() * 8);
  int64_t len = 0;
  for (int64_t x : m) len += x;
  EXPECT_EQ(len, 5);
  EXPECT_EQ(id[0], 101);
  EXPECT_EQ(id[4], 102);
}

}  // namespace
}  // namespace bertq::io
