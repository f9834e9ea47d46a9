// The FP32 engine on the architectures beyond BERT (src/io/architecture.h) against transformers
// in float64 on random weights: scripts/reference/arch_reference.py (run by scripts/test.sh with
// the project's .venv) writes BUILD/arch-reference/ARCH/{model, forward.safetensors}. Every
// hidden state, the head's pooled output and the logits must match (relative L2 <= 1e-5 per
// hidden state, logits <= 1e-4) on every ISA tier this CPU has. Also: the folder, as
// transformers saved it, loads with the architecture's config keys and tensor names; written
// back by bertq (quantize) it keeps them; INT8 (both activation ranges) stays close; from text,
// each folder's own tokenizer kind gives transformers' ids and the Classifier its logits.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "common/test_util.h"
#include "core/file_util.h"
#include "engine/classifier.h"
#include "io/model_folder.h"
#include "quant/quantizer.h"
#include "reference_compare.h"

namespace bertq::engine {
namespace {

const std::string kArchDir = std::string(BERTQ_BINARY_DIR) + "/arch-reference/";

#define BERTQ_REQUIRE_ARCH_REFERENCE(arch)                                      \
  if (!std::filesystem::exists(kArchDir + (arch) + "/forward.safetensors"))     \
  GTEST_SKIP() << kArchDir << (arch) << " is absent: scripts/test.sh makes it " \
               << "(scripts/setup.sh --reference, then scripts/reference/arch_reference.py)"

class ArchReference : public ::testing::TestWithParam<std::tuple<std::string, Isa>> {};

TEST_P(ArchReference, MatchesTransformersLayerByLayer) {
  const auto& [arch, isa] = GetParam();
  BERTQ_REQUIRE_ARCH_REFERENCE(arch);
  testing::expect_matches_reference(kArchDir + arch + "/model",
                                    kArchDir + arch + "/forward.safetensors", isa, arch);
}

INSTANTIATE_TEST_SUITE_P(Archs, ArchReference,
                         ::testing::Combine(::testing::Values(std::string("distilbert"),
                                                              std::string("roberta"),
                                                              std::string("xlm-roberta")),
                                            ::testing::ValuesIn(supported_isas())),
                         [](const auto& info) {
                           std::string arch = std::get<0>(info.param);
                           std::replace(arch.begin(), arch.end(), '-',
                                        '_');  // test names are identifiers
                           return arch + "_" + std::string(isa_name(std::get<1>(info.param)));
                         });

// From text: the folder's own tokenizer kind (DistilBERT WordPiece, RoBERTa byte-level BPE, XLM-R
// SentencePiece Unigram, as transformers saved them) gives transformers' input ids for every
// text, and Classifier::predict on the texts gives transformers' logits (FP32, 1e-4 relative).
class ArchText : public ::testing::TestWithParam<std::string> {};

TEST_P(ArchText, TextsGiveTransformersIdsAndLogits) {
  const std::string arch = GetParam();
  BERTQ_REQUIRE_ARCH_REFERENCE(arch);
  const std::string dir = kArchDir + arch;
  if (!file_exists(dir + "/texts.json"))
    GTEST_SKIP() << dir << "/texts.json is absent: rerun scripts/reference/arch_reference.py";
  const auto j = nlohmann::json::parse(read_file(dir + "/texts.json"));
  const auto texts = j.at("texts").get<std::vector<std::string>>();
  const auto ids = j.at("ids").get<std::vector<std::vector<int32_t>>>();
  EngineOptions eo;
  eo.threads = 1;
  const Classifier clf(dir + "/model", eo);
  text::EncodeOptions enc;
  enc.max_length = clf.config().max_tokens();
  for (size_t i = 0; i < texts.size(); ++i)
    EXPECT_EQ(clf.tokenizer().encode(texts[i], enc).ids, ids[i]) << arch << " text " << i;
  // The mask token among words and whitespace (lstrip; XLM-R's matched after normalization).
  const auto masked = j.at("mask_texts").get<std::vector<std::string>>();
  const auto mask_ids = j.at("mask_ids").get<std::vector<std::vector<int32_t>>>();
  const auto mask_offsets = j.at("mask_offsets").get<std::vector<std::vector<std::vector<int>>>>();
  text::EncodeOptions with_offsets;
  with_offsets.return_offsets = true;
  for (size_t i = 0; i < masked.size(); ++i) {
    const text::Encoding e = clf.tokenizer().encode(masked[i], with_offsets);
    EXPECT_EQ(e.ids, mask_ids[i]) << arch << " " << masked[i];
    std::vector<std::vector<int>> got;
    for (const auto& [b, en] : e.offsets) got.push_back({int(b), int(en)});
    EXPECT_EQ(got, mask_offsets[i]) << arch << " " << masked[i];
  }
  const std::vector<Prediction> preds = clf.predict(texts);
  const io::SafeTensorsFile f(dir + "/forward.safetensors");
  const auto want = testing::read_f32(f.get("logits"));
  const size_t NL = want.size() / texts.size();
  std::vector<float> got;
  for (const Prediction& p : preds) got.insert(got.end(), p.logits.begin(), p.logits.end());
  ASSERT_EQ(got.size(), want.size());
  EXPECT_LE(bertq::testing::rel_l2(got.data(), want.data(), want.size()), 1e-4) << arch;
  EXPECT_EQ(NL, 3u);
}

INSTANTIATE_TEST_SUITE_P(Archs, ArchText,
                         ::testing::Values(std::string("distilbert"), std::string("roberta"),
                                           std::string("xlm-roberta")),
                         [](const auto& info) {
                           std::string arch = info.param;
                           std::replace(arch.begin(), arch.end(), '-', '_');
                           return arch;
                         });

// What each architecture's files call things, as bertq must write them back.
struct ArchNames {
  const char* arch;
  io::Arch id;
  const char* hidden_key;                    // config.json key of the hidden size
  std::vector<std::string> written_tensors;  // in the quantized folder
};

class ArchFolder : public ::testing::TestWithParam<ArchNames> {};

TEST_P(ArchFolder, KeepsItsNamesThroughQuantizeAndInt8StaysClose) {
  const ArchNames& a = GetParam();
  BERTQ_REQUIRE_ARCH_REFERENCE(std::string(a.arch));
  const std::string dir = kArchDir + a.arch;
  const io::ModelFolder fp32 = io::ModelFolder::load(dir + "/model");
  EXPECT_EQ(fp32.config.arch, a.id);
  EXPECT_EQ(fp32.config.hidden_size, 48);
  EXPECT_EQ(fp32.config.intermediate_size, 200);
  EXPECT_EQ(fp32.config.num_attention_heads, 3);
  EXPECT_EQ(fp32.weights.find("bert.embeddings.token_type_embeddings.weight") != nullptr,
            io::arch_spec(a.id).token_types);
  EXPECT_EQ(fp32.config.max_tokens(), 64);
  const io::SafeTensorsFile f(dir + "/forward.safetensors");
  const testing::GoldenBatch g = testing::read_batch(f);
  const auto want = testing::read_f32(f.get("logits"));
  const PackedBatch batch = PackedBatch::pack(g.ids, g.types);
  bertq::testing::TempDir tmp;
  for (int qmax : {127, 255}) {
    quant::QuantizeOptions o;
    o.activation_qmax = qmax;
    const std::string out = tmp.file("q" + std::to_string(qmax));
    quant::write_quantized_folder(out, quant::quantize(fp32, o), dir + "/model");
    // Written in the architecture's own names and keys, so transformers reads the folder.
    const auto cfg = nlohmann::json::parse(read_file(out + "/config.json"));
    EXPECT_EQ(cfg["model_type"], io::arch_spec(a.id).model_type);
    EXPECT_EQ(cfg[a.hidden_key], 48);
    const io::SafeTensorsFile written(out + "/model.safetensors");
    for (const auto& name : a.written_tensors) EXPECT_NO_THROW(written.get(name)) << name;
    const auto m = Model::load(out, {});
    ASSERT_TRUE(m->quantized());
    const auto logits = forward(*m, batch);
    const double rel = bertq::testing::rel_l2(logits.data(), want.data(), want.size());
    const size_t NL = 3;
    int same = 0;
    for (size_t r = 0; r < want.size() / NL; ++r) {
      auto arg = [&](const std::vector<float>& v) {
        return std::max_element(v.begin() + long(r * NL), v.begin() + long((r + 1) * NL)) -
               v.begin();
      };
      same += arg(logits) == arg(want);
    }
    std::printf("%s INT8 q%d: logits rel L2 %.4f, labels equal %d/%zu\n", a.arch, qmax, rel, same,
                want.size() / NL);
    // Random weights of std 0.2 (large activations): INT8 error ~3-5e-2 here.
    EXPECT_LE(rel, 1e-1);
    EXPECT_GE(same, 5);
    EXPECT_GT(rel, 0.0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Archs, ArchFolder,
    ::testing::Values(ArchNames{"distilbert",
                                io::Arch::DISTILBERT,
                                "dim",
                                {"distilbert.transformer.layer.1.ffn.lin1.weight_scale",
                                 "distilbert.transformer.layer.0.sa_layer_norm.weight",
                                 "pre_classifier.weight", "classifier.bias"}},
                      ArchNames{"roberta",
                                io::Arch::ROBERTA,
                                "hidden_size",
                                {"roberta.encoder.layer.1.intermediate.dense.weight_scale",
                                 "roberta.embeddings.token_type_embeddings.weight",
                                 "classifier.dense.weight", "classifier.out_proj.weight"}},
                      ArchNames{"xlm-roberta",
                                io::Arch::XLM_ROBERTA,
                                "hidden_size",
                                {"roberta.encoder.layer.0.attention.self.query.weight",
                                 "classifier.out_proj.bias"}}),
    [](const auto& info) {
      std::string arch = info.param.arch;
      std::replace(arch.begin(), arch.end(), '-', '_');
      return arch;
    });

}  // namespace
}  // namespace bertq::engine
