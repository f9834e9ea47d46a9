// The quantizer and the INT8 engine on ../shared/golden/model/{tiny,odd}:
// - every I8 tensor and its scales equal an independent scalar re-quantization of the FP32
//   tensor (max|w| / 127, round half to even, clamp ±127), exactly;
// - INT8 logits (dynamic and static, int8 and fp32 embeddings, every ISA tier) within relative
//   L2 5e-2 of the golden FP32 logits, same argmax on most rows;
// - the written folder loads from disk (config quantization_config, tokenizer copied) and gives
//   the in-memory model's logits bit for bit; --keep-fp32 keeps tensors F32; bad inputs fail.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "engine/bert_encoder.h"
#include "engine/classifier.h"
#include "io/safetensors.h"
#include "kernels/int8_scheme.h"
#include "kernels/onednn/int8_linear.h"
#include "quant/quantizer.h"

namespace bertq::quant {
namespace {

constexpr double kInt8LogitsRelL2 = 5e-2;

struct Golden {
  std::vector<std::vector<int32_t>> ids;
  std::vector<float> logits;
};

Golden read_golden(const std::string& dir) {
  const io::SafeTensorsFile f(dir + "/forward.safetensors");
  const auto& iv = f.get("input_ids");
  const size_t B = size_t(iv.shape[0]), T = size_t(iv.shape[1]);
  std::vector<int64_t> ids(B * T), mask(B * T);
  std::memcpy(ids.data(), iv.data, ids.size() * 8);
  std::memcpy(mask.data(), f.get("attention_mask").data, mask.size() * 8);
  Golden g;
  for (size_t b = 0; b < B; ++b) {
    std::vector<int32_t> row;
    for (size_t t = 0; t < T && mask[b * T + t] == 1; ++t) row.push_back(int32_t(ids[b * T + t]));
    g.ids.push_back(row);
  }
  const auto& lv = f.get("logits");
  g.logits.resize(size_t(lv.numel()));
  std::memcpy(g.logits.data(), lv.data, g.logits.size() * 4);
  return g;
}

// Independent of kernels/ref: the rule as written in int8_scheme.h.
void expect_requantized_exactly(const io::ModelFolder& fp32, const io::WeightStore& q,
                                const std::string& name) {
  const io::TensorView& v = q.get(name);
  ASSERT_EQ(v.dtype, io::DType::I8) << name;
  const float* w = fp32.weights.f32(name);
  const size_t rows = size_t(v.shape[0]), cols = size_t(v.shape[1]);
  const io::TensorView& sv = q.get(name + "_scale");
  ASSERT_EQ(sv.dtype, io::DType::F32);
  ASSERT_EQ(size_t(sv.numel()), rows);
  std::vector<float> s(rows);
  std::memcpy(s.data(), sv.data, rows * 4);
  const auto* qi = static_cast<const int8_t*>(v.data);
  for (size_t r = 0; r < rows; ++r) {
    float amax = 0;
    for (size_t c = 0; c < cols; ++c) amax = std::max(amax, std::fabs(w[r * cols + c]));
    const float want_s = amax == 0 ? 1.f : amax / 127.f;
    ASSERT_EQ(s[r], want_s) << name << " row " << r;
    for (size_t c = 0; c < cols; ++c) {
      const float t = std::nearbyint(w[r * cols + c] / want_s);
      const int want = int(std::max(-127.f, std::min(127.f, t)));
      ASSERT_EQ(int(qi[r * cols + c]), want) << name << " [" << r << ", " << c << "]";
    }
  }
}

io::WeightStore store_of(const QuantizedModel& q) {
  const auto f = io::SafeTensorsFile::from_buffer(q.tensors->serialize(), "q");
  return io::WeightStore::load(f, q.config);
}

class QuantGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(QuantGolden, WeightsAndScalesEqualScalarRequantization) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + GetParam());
  const auto fp32 = io::ModelFolder::load(dir + "/model");
  const QuantizedModel q = quantize(fp32, {});
  const io::WeightStore s = store_of(q);
  const int L = fp32.config.num_hidden_layers;
  EXPECT_EQ(q.int8.size(), size_t(6 * L + 1 + 2));  // 6 per layer, pooler, word + position
  for (const auto& name : q.int8) expect_requantized_exactly(fp32, s, name);
  EXPECT_EQ(s.get(io::BertTensor::CLASSIFIER_WEIGHT).dtype, io::DType::F32);
  EXPECT_EQ(s.get(io::BertTensor::TOKEN_TYPE_EMBEDDINGS).dtype, io::DType::F32);
  const auto& qc = q.config.extra.at("quantization_config");
  EXPECT_EQ(qc.at("scheme"), "dynamic");
  EXPECT_EQ(qc.at("embeddings"), "int8_per_row");
}

struct Variant {
  const char* name;
  Scheme scheme;
  bool int8_embeddings;
  ObserverKind observer;
};

TEST_P(QuantGolden, Int8LogitsCloseToGoldenOnEveryIsa) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + GetParam());
  const auto fp32 = io::ModelFolder::load(dir + "/model");
  const Golden g = read_golden(dir);
  const auto batch = engine::PackedBatch::pack(g.ids);
  const Variant variants[] = {{"dynamic", Scheme::DYNAMIC, true, ObserverKind::MINMAX},
                              {"dynamic-fp32emb", Scheme::DYNAMIC, false, ObserverKind::MINMAX},
                              {"static-minmax", Scheme::STATIC, true, ObserverKind::MINMAX},
                              {"static-percentile", Scheme::STATIC, true, ObserverKind::PERCENTILE},
                              {"static-mse", Scheme::STATIC, true, ObserverKind::MSE}};
  const auto fp32_model = engine::Model::from_folder(fp32, {});
  for (const Variant& v : variants)
    for (int qmax : {kernels::kActQMaxReduced, kernels::kActQMaxFull}) {
      QuantizeOptions o;
      o.activation_qmax = qmax;
      o.scheme = v.scheme;
      o.int8_embeddings = v.int8_embeddings;
      o.observer = v.observer;
      Ranges ranges;
      if (v.scheme == Scheme::STATIC) ranges = calibrate(*fp32_model, g.ids, o);
      const QuantizedModel q = quantize(fp32, o, v.scheme == Scheme::STATIC ? &ranges : nullptr);
      for (Isa isa : supported_isas()) {
        engine::EngineOptions eo;
        eo.isa = isa;
        const auto m = load_in_memory(q, eo);
        ASSERT_TRUE(m->quantized());
        ASSERT_EQ(m->activation_qmax(), qmax);
        ASSERT_TRUE(m->layers()[0].qkv.is_int8());
        ASSERT_EQ(m->layers()[0].ffn_out.is_static(), v.scheme == Scheme::STATIC);
        const auto logits = engine::forward(*m, batch);
        ASSERT_EQ(logits.size(), g.logits.size());
        const double rel = bertq::testing::rel_l2(logits.data(), g.logits.data(), logits.size());
        const size_t NL = 2;
        int same = 0;
        for (size_t b = 0; b < logits.size() / NL; ++b)
          same += engine::argmax(
                      {logits.begin() + long(b * NL), logits.begin() + long((b + 1) * NL)}) ==
                  engine::argmax(
                      {g.logits.begin() + long(b * NL), g.logits.begin() + long((b + 1) * NL)});
        std::printf("%s %s q%d %s: logits rel L2 %.4f, argmax agree %d/%zu\n", GetParam().c_str(),
                    v.name, qmax, std::string(isa_name(isa)).c_str(), rel, same,
                    logits.size() / NL);
        EXPECT_LE(rel, kInt8LogitsRelL2) << v.name << " " << isa_name(isa);
        EXPECT_GE(same, 6) << v.name << " " << isa_name(isa);
        EXPECT_GT(rel, 0.0) << "INT8 logits identical to FP32: is anything quantized?";
      }
    }
}

TEST_P(QuantGolden, WrittenFolderLoadsAndMatchesInMemoryModel) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + GetParam());
  const auto fp32 = io::ModelFolder::load(dir + "/model");
  const Golden g = read_golden(dir);
  QuantizeOptions o;
  o.keep_fp32 = {"*layer.1.output.dense.weight"};
  const QuantizedModel q = quantize(fp32, o);
  ASSERT_EQ(q.kept_fp32.size(), 1u);
  bertq::testing::TempDir tmp;
  const std::string out = tmp.path() + "/int8";
  write_quantized_folder(out, q, dir + "/model");
  EXPECT_TRUE(std::filesystem::exists(out + "/vocab.txt"));
  EXPECT_THROW(write_quantized_folder(out, q, dir + "/model"), Error);  // exists, no overwrite
  const auto disk = engine::Model::load(out, {});
  EXPECT_TRUE(disk->config().extra.contains("quantization_config"));
  EXPECT_FALSE(disk->layers()[1].ffn_out.is_int8());
  EXPECT_TRUE(disk->layers()[1].ffn_in.is_int8());
  const auto batch = engine::PackedBatch::pack(g.ids);
  const auto a = engine::forward(*disk, batch), b = engine::forward(*load_in_memory(q, {}), batch);
  ASSERT_EQ(a, b);
  // Quantizing a quantized model is refused, naming the tensor.
  const auto qfolder = io::ModelFolder::load(out);
  try {
    quantize(qfolder, {});
    FAIL() << "quantized twice";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already quantized"), std::string::npos) << e.what();
  }
  // Static without ranges is refused.
  QuantizeOptions st;
  st.scheme = Scheme::STATIC;
  EXPECT_THROW(quantize(fp32, st), Error);
}

// The activation range is the folder's: recorded at quantize time, read back by the engine;
// the two ranges give different logits; an old folder without the field runs at the CPU probe's
// range (as it did); any other value is a CORRUPT_FILE error naming the field.
TEST_P(QuantGolden, ActivationRangeIsRecordedAndFollowed) {
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + GetParam());
  const auto fp32 = io::ModelFolder::load(dir + "/model");
  const Golden g = read_golden(dir);
  const auto batch = engine::PackedBatch::pack(g.ids);
  bertq::testing::TempDir tmp;
  std::vector<std::vector<float>> out;
  for (int qmax : {kernels::kActQMaxReduced, kernels::kActQMaxFull}) {
    QuantizeOptions o;
    o.activation_qmax = qmax;
    const std::string d = tmp.file("q" + std::to_string(qmax));
    write_quantized_folder(d, quantize(fp32, o), dir + "/model");
    const auto cfg = nlohmann::json::parse(read_file(d + "/config.json"));
    EXPECT_EQ(cfg["quantization_config"]["activations"]["qmax"], qmax);
    const auto m = engine::Model::load(d, {});
    EXPECT_EQ(m->activation_qmax(), qmax);
    out.push_back(engine::forward(*m, batch));
  }
  EXPECT_NE(out[0], out[1]) << "the two ranges gave identical logits";
  EXPECT_EQ(QuantizeOptions{}.activation_qmax, kernels::kActQMaxDefault);
  // Legacy: no qmax field.
  const std::string d = tmp.file("q255");
  auto cfg = nlohmann::json::parse(read_file(d + "/config.json"));
  cfg["quantization_config"]["activations"].erase("qmax");
  write_file_atomic(d + "/config.json", cfg.dump(2));
  EXPECT_EQ(engine::Model::load(d, {})->activation_qmax(),
            kernels::Int8Linear::legacy_activation_qmax());
  cfg["quantization_config"]["activations"]["qmax"] = 200;
  write_file_atomic(d + "/config.json", cfg.dump(2));
  try {
    engine::Model::load(d, {});
    FAIL() << "qmax 200 loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE);
    EXPECT_NE(std::string(e.what()).find("quantization_config.activations.qmax: expected 127 or "
                                         "255, got 200"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(parse_activation_range("255"), 255);
  EXPECT_THROW(parse_activation_range("256"), Error);
}

INSTANTIATE_TEST_SUITE_P(Models, QuantGolden, ::testing::Values("tiny", "odd"));

TEST(QuantOptions, ParsesAndRejects) {
  EXPECT_EQ(parse_scheme("static"), Scheme::STATIC);
  EXPECT_EQ(parse_observer("mse"), ObserverKind::MSE);
  EXPECT_THROW(parse_scheme("weird"), Error);
  EXPECT_THROW(parse_observer("max"), Error);
  EXPECT_TRUE(matches_any("bert.encoder.layer.11.output.dense.weight", {"*layer.11.output.*"}));
  EXPECT_FALSE(matches_any("bert.encoder.layer.1.output.dense.weight", {"*layer.11.output.*"}));
}

}  // namespace
}  // namespace bertq::quant
