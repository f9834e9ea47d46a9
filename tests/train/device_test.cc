// --device parsing (train/torch_runtime.h): cpu always, auto follows CUDA availability, cuda
// refused with the reason when this libtorch has no CUDA or no GPU is visible, bad names named.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "train/torch_runtime.h"

namespace bertq::train {
namespace {

TEST(TrainingDevice, CpuAutoAndRefusals) {
  EXPECT_TRUE(training_device("cpu").is_cpu());
  const bool cuda = torch::cuda::is_available();
  EXPECT_EQ(training_device("auto").is_cuda(), cuda);
  if (!cuda) {
    try {
      training_device("cuda:0");
      FAIL() << "cuda accepted without CUDA";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::UNSUPPORTED);
      EXPECT_NE(std::string(e.what()).find("CUDA is not available"), std::string::npos) << e.what();
    }
  } else {
    EXPECT_TRUE(training_device("cuda").is_cuda());
  }
  try {
    training_device("gpu");
    FAIL() << "gpu accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("--device"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bertq::train
