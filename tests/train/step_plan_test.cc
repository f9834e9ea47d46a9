// plan_steps (train/checkpoint.h): optimizer steps per epoch with gradient accumulation, the
// max-steps cap and the warmup rounding (ceil, as transformers' get_warmup_steps).
#include <gtest/gtest.h>

#include "train/checkpoint.h"

namespace bertq::train {
namespace {

TEST(StepPlan, BatchesAccumulationCapAndWarmup) {
  StepPlan p = plan_steps(100, 32, 1, 3, 0, 0.1);  // 4 batches per epoch (the last has 4)
  EXPECT_EQ(p.steps_per_epoch, 4);
  EXPECT_EQ(p.total, 12);
  EXPECT_EQ(p.warmup, 2);                 // ceil(1.2)
  p = plan_steps(100, 32, 3, 3, 0, 0.1);  // 4 batches -> 2 steps (3 + 1)
  EXPECT_EQ(p.steps_per_epoch, 2);
  EXPECT_EQ(p.total, 6);
  EXPECT_EQ(p.warmup, 1);
  p = plan_steps(100, 32, 1, 3, 5, 0.5);  // capped
  EXPECT_EQ(p.total, 5);
  EXPECT_EQ(p.warmup, 3);  // ceil(2.5)
  p = plan_steps(64, 32, 1, 1, 0, 0.0);
  EXPECT_EQ(p.total, 2);
  EXPECT_EQ(p.warmup, 0);
}

}  // namespace
}  // namespace bertq::train
