// The FP32 engine against the PyTorch reference in ../shared/golden/model/{tiny,odd}: the batch
// in forward.safetensors (rows padded to T; only attention_mask = 1 positions count) must give
// the stored logits (relative L2 <= 1e-4), hidden_states.N and pooled at unpadded positions.
// On failure the first diverging layer is named. Runs once per ISA tier this machine supports
// (EngineOptions::isa).
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "common/test_util.h"
#include "reference_compare.h"

namespace bertq::engine {
namespace {

class GoldenModel : public ::testing::TestWithParam<std::tuple<std::string, Isa>> {};

TEST_P(GoldenModel, MatchesPyTorchLayerByLayer) {
  const std::string name = std::get<0>(GetParam());
  BERTQ_REQUIRE_SHARED(dir, "golden/model/" + name);
  testing::expect_matches_reference(dir + "/model", dir + "/forward.safetensors",
                                    std::get<1>(GetParam()), name);
}

INSTANTIATE_TEST_SUITE_P(Shared, GoldenModel,
                         ::testing::Combine(::testing::Values("tiny", "odd"),
                                            ::testing::ValuesIn(supported_isas())),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::string(isa_name(std::get<1>(info.param)));
                         });

}  // namespace
}  // namespace bertq::engine
