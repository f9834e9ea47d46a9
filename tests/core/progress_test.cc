// Progress: the rate counts only the work done in this process, not a resume jump.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/progress.h"

namespace bertq {
namespace {

TEST(Progress, RateLeavesOutTheResumedCount) {
  Progress fresh("fresh", 2000, "steps", 1.0, /*enabled=*/false);
  Progress resumed("resumed", 2000, "steps", 1.0, /*enabled=*/false);
  resumed.resume_at(1000);
  EXPECT_EQ(resumed.done(), 1000u);
  EXPECT_EQ(resumed.rate(), 0.0);  // nothing done here yet
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fresh.add(10);
  resumed.add(10);
  EXPECT_EQ(resumed.done(), 1010u);
  EXPECT_GT(resumed.rate(), 0.0);
  // 10 steps in >= 20 ms: at most 500 steps/s, however far the run had got before.
  EXPECT_LE(resumed.rate(), 10 / 0.02);
  EXPECT_LE(fresh.rate(), 10 / 0.02);
}

}  // namespace
}  // namespace bertq
