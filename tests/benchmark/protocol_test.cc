// The interleaved protocol's structure (never its timings): warm-up then timed rounds per
// workload, every model once per round with a rotating start, run counts bounded by
// min_runs / max_runs; nearest-rank percentiles and latency statistics on known values.
#include "benchmark/protocol.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/progress.h"

namespace bertq::benchmark {
namespace {

TEST(Protocol, InterleavesModelsWithARotatingStart) {
  ProtocolOptions o;
  o.warmup = 2;
  o.min_runs = 3;
  o.max_runs = 3;
  std::vector<std::pair<size_t, size_t>> calls;
  const ProtocolResult r = run_interleaved(2, 3, o, [&](size_t w, size_t m) {
    calls.push_back({w, m});
  });
  ASSERT_EQ(calls.size(), 2u * 3u * (2u + 3u));
  ASSERT_EQ(r.steps.size(), calls.size());
  // Workload 0 entirely before workload 1; per round, each model once, starting at round % 3.
  size_t k = 0;
  for (size_t w = 0; w < 2; ++w) {
    for (int phase = 0; phase < 2; ++phase) {
      const int rounds = phase == 0 ? o.warmup : o.min_runs;
      for (int round = 0; round < rounds; ++round) {
        for (size_t i = 0; i < 3; ++i, ++k) {
          EXPECT_EQ(calls[k].first, w) << "call " << k;
          EXPECT_EQ(calls[k].second, (size_t(round) + i) % 3) << "call " << k;
          EXPECT_EQ(r.steps[k].warmup, phase == 0) << "call " << k;
          EXPECT_EQ(r.steps[k].round, round) << "call " << k;
        }
      }
    }
  }
  for (size_t w = 0; w < 2; ++w) {
    for (size_t m = 0; m < 3; ++m) EXPECT_EQ(r.seconds[w][m].size(), 3u);  // warm-up not kept
  }
}

TEST(Protocol, RunCountsStayWithinMinAndMax) {
  ProtocolOptions o;
  o.warmup = 0;
  o.min_runs = 2;
  o.max_runs = 7;
  o.budget_s = 0;  // budget spent at once: stop at min_runs
  EXPECT_EQ(run_interleaved(1, 2, o, [](size_t, size_t) {}).seconds[0][1].size(), 2u);
  o.budget_s = 1e9;  // budget never spent: stop at max_runs
  const ProtocolResult r = run_interleaved(1, 2, o, [](size_t, size_t) {});
  EXPECT_EQ(r.seconds[0][0].size(), 7u);
  EXPECT_EQ(r.steps.size(), 14u);
  o.max_runs = 1;  // below min_runs
  EXPECT_THROW(run_interleaved(1, 1, o, [](size_t, size_t) {}), Error);
}

// The bar's total is known before the budget decides the run count: it must end exactly at
// progress_calls (the demo once printed "150/48 runs").
TEST(Protocol, ProgressEndsAtItsTotal) {
  ProtocolOptions o;
  o.warmup = 1;
  o.min_runs = 2;
  o.max_runs = 9;
  for (double budget : {0.0, 1e9}) {
    o.budget_s = budget;
    Progress bar("bench", 2 * progress_calls(3, o), "runs", 1.0, false);
    for (int w = 0; w < 2; ++w)
      run_interleaved(
          1, 3, o, [](size_t, size_t) {}, &bar);
    EXPECT_EQ(bar.done(), 2 * progress_calls(3, o)) << "budget " << budget;
  }
}

TEST(Protocol, ErrorsFromARunPropagate) {
  ProtocolOptions o;
  EXPECT_THROW(run_interleaved(1, 2, o,
                               [](size_t, size_t m) {
                                 if (m == 1) throw Error(ErrorCode::INVALID_ARGUMENT, "bad model");
                               }),
               Error);
}

TEST(Protocol, NearestRankAndStats) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // 1..100, unsorted
  EXPECT_EQ(nearest_rank(v, 0.5), 50);
  EXPECT_EQ(nearest_rank(v, 0.9), 90);
  EXPECT_EQ(nearest_rank(v, 0.99), 99);
  EXPECT_EQ(nearest_rank(v, 1.0), 100);
  EXPECT_EQ(nearest_rank({7, 3, 5}, 0.5), 5);
  EXPECT_EQ(nearest_rank({4}, 0.99), 4);
  EXPECT_THROW(nearest_rank({}, 0.5), Error);
  const LatencyStats s = latency_stats({0.004, 0.001, 0.003, 0.002});
  EXPECT_EQ(s.runs, 4u);
  EXPECT_DOUBLE_EQ(s.min_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 4);
  EXPECT_DOUBLE_EQ(s.median_ms, 2);  // rank ceil(0.5 * 4) = 2
  EXPECT_DOUBLE_EQ(s.p90_ms, 4);
  EXPECT_NEAR(s.mean_ms, 2.5, 1e-12);
  const auto j = s.to_json();
  for (const char* k : {"runs", "mean_ms", "min_ms", "median_ms", "p90_ms", "p99_ms", "max_ms"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(latency_stats({}).runs, 0u);
}

}  // namespace
}  // namespace bertq::benchmark
