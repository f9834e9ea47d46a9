// The pieces of data parallelism that need no second process: a rank's slice of the global
// batches (the union over the ranks is the single-process epoch, in order) and the rendezvous
// settings from flags and torchrun's environment.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "train/batching.h"
#include "train/dist/rendezvous.h"
#include "train/dist/shard.h"

namespace bertq::train {
namespace {

TEST(ShardBatches, RanksTogetherCoverEachGlobalBatchInOrder) {
  std::vector<int> lengths;
  for (int i = 0; i < 103; ++i) lengths.push_back(5 + (i * 37) % 60);
  for (int world : {1, 2, 3}) {
    const auto global = length_grouped_batches(lengths, 16 * world, 42, 1);
    std::vector<std::vector<std::vector<size_t>>> parts;
    for (int r = 0; r < world; ++r) parts.push_back(shard_batches(global, r, world));
    for (size_t b = 0; b < global.size(); ++b) {
      std::vector<size_t> joined;
      for (int r = 0; r < world; ++r) {
        ASSERT_EQ(parts[r].size(), global.size());
        joined.insert(joined.end(), parts[r][b].begin(), parts[r][b].end());
        EXPECT_LE(parts[r][b].size(), (global[b].size() + world - 1) / world);
      }
      EXPECT_EQ(joined, global[b]) << "world " << world << " batch " << b;
    }
  }
  // A tail shorter than the ranks leaves some ranks an empty batch, never a missing one.
  const auto tail0 = shard_batches({{7}}, 0, 2), tail1 = shard_batches({{7}}, 1, 2);
  ASSERT_EQ(tail0.size(), 1u);
  EXPECT_TRUE(tail0[0].empty());
  EXPECT_EQ(tail1, (std::vector<std::vector<size_t>>{{7}}));
}

// Sets / clears the variables for one test.
struct Env {
  explicit Env(std::vector<std::pair<const char*, const char*>> vars) : vars_(std::move(vars)) {
    for (auto [k, v] : vars_) ::setenv(k, v, 1);
  }
  ~Env() {
    for (auto [k, v] : vars_) ::unsetenv(k);
  }
  std::vector<std::pair<const char*, const char*>> vars_;
};

TEST(DistEnv, FlagsOverrideTorchrunVariables) {
  LoopOptions o;
  EXPECT_EQ(dist_env(o).world_size, 1);  // nothing set: one process
  {
    Env e({{"WORLD_SIZE", "4"},
           {"RANK", "3"},
           {"MASTER_ADDR", "10.0.0.1"},
           {"MASTER_PORT", "1234"},
           {"LOCAL_WORLD_SIZE", "2"}});
    const DistEnv d = dist_env(o);
    EXPECT_EQ(d.world_size, 4);
    EXPECT_EQ(d.rank, 3);
    EXPECT_EQ(d.host, "10.0.0.1");
    EXPECT_EQ(d.port, 1234);
    EXPECT_EQ(d.local_world_size, 2);
    EXPECT_EQ(threads_per_rank(3, d), 3);
    EXPECT_GE(threads_per_rank(0, d), 1);
    o.master = "192.168.1.2:29501";
    o.rank = 1;
    const DistEnv f = dist_env(o);
    EXPECT_EQ(f.rank, 1);
    EXPECT_EQ(f.host, "192.168.1.2");
    EXPECT_EQ(f.port, 29501);
  }
  EXPECT_EQ(threads_per_rank(0, DistEnv{}), 0);  // alone: start_torch_run's default
  LoopOptions bad;
  bad.world_size = 2;
  EXPECT_THROW(dist_env(bad), Error);  // no master
  bad.master = "host-without-port";
  EXPECT_THROW(dist_env(bad), Error);
  bad.master = "h:1";
  bad.rank = 2;
  EXPECT_THROW(dist_env(bad), Error);
}

}  // namespace
}  // namespace bertq::train
