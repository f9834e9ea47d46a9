// The FP32 engine on a real pretrained checkpoint: sentence-transformers/all-MiniLM-L6-v2 as
// transformers runs it. scripts/reference/pretrained_reference.py (run by scripts/test.sh with
// transformers + torch in the project's .venv) writes BUILD/pretrained-reference/: the model as
// transformers' BertForSequenceClassification saves it, and its float64 hidden states, pooled
// output and logits for 8 texts of 4 to 512 tokens. Every layer must match (relative L2 <= 1e-5
// per hidden state, logits <= 1e-4), on every ISA tier this CPU has. Also: the checkpoint as
// the package ships it (sentence-transformers layout, BertModel names without "bert.", no
// classifier) is refused for inference, naming exactly the classifier tensors; it loads for
// conversion with exactly those missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "common/pretrained.h"
#include "core/error.h"
#include "io/model_folder.h"
#include "reference_compare.h"

namespace bertq::engine {
namespace {

const std::string kReferenceDir = std::string(BERTQ_BINARY_DIR) + "/pretrained-reference";

class PretrainedReference : public ::testing::TestWithParam<Isa> {};

TEST_P(PretrainedReference, MatchesTransformersLayerByLayer) {
  if (!std::filesystem::exists(kReferenceDir + "/forward.safetensors"))
    GTEST_SKIP()
        << kReferenceDir << " is absent: scripts/test.sh makes it "
        << "(scripts/setup.sh --reference, then scripts/reference/pretrained_reference.py)";
  testing::expect_matches_reference(kReferenceDir + "/model",
                                    kReferenceDir + "/forward.safetensors", GetParam(),
                                    "all-MiniLM-L6-v2");
}

INSTANTIATE_TEST_SUITE_P(Isas, PretrainedReference, ::testing::ValuesIn(supported_isas()),
                         [](const auto& info) { return std::string(isa_name(info.param)); });

TEST(PretrainedCheckpoint, AsShippedHasNoClassifierAndIsRefusedForInference) {
  BERTQ_REQUIRE_PRETRAINED(dir);
  try {
    io::ModelFolder::load(dir);
    ADD_FAILURE() << "a base checkpoint loaded for inference";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_NE(std::string(e.what()).find("classifier.weight, classifier.bias"), std::string::npos)
        << e.what();
  }
  const auto m = io::ModelFolder::load(dir, io::HeadPolicy::ALLOW_MISSING);
  EXPECT_EQ(m.config.num_hidden_layers, 6);
  EXPECT_EQ(m.config.hidden_size, 384);
  EXPECT_EQ(m.config.vocab_size, 30522);
  auto init = m.weights.missing_head();
  std::sort(init.begin(), init.end());
  EXPECT_EQ(init, (std::vector<std::string>{"classifier.bias", "classifier.weight"}));
  EXPECT_NE(m.weights.find("bert.pooler.dense.weight"), nullptr);
  EXPECT_TRUE(m.has_tokenizer());
}

}  // namespace
}  // namespace bertq::engine
