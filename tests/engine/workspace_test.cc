// Workspace sizing: every thread's attention-score block lies inside the buffer, whatever the
// order of the calls (the buffers grow and are reused across batches and models). Regression:
// a batch of long sequences on 1 thread, then shorter ones on 2 threads, put thread 1's block
// past the end of the buffer (heap corruption found by the pipeline kill test).
#include "engine/workspace.h"

#include <gtest/gtest.h>

namespace bertq::engine {
namespace {

void expect_score_blocks_inside(Workspace& ws, size_t max_len, int threads) {
  for (int t = 0; t < threads; ++t) {
    const size_t end = size_t(ws.scores(t) - ws.scores(0)) + max_len * max_len;
    EXPECT_LE(end, ws.scores_size()) << "thread " << t << " of " << threads << ", L " << max_len;
  }
}

TEST(Workspace, ScoreBlocksStayInsideAcrossCalls) {
  Workspace ws;
  const struct {
    size_t max_len;
    int threads;
  } calls[] = {{32, 1}, {20, 2}, {7, 4}, {64, 2}, {3, 8}, {64, 8}};
  for (const auto& c : calls) {
    ws.reserve(/*T=*/c.max_len * 2, /*H=*/8, /*I=*/16, c.max_len, /*B=*/2, c.threads);
    expect_score_blocks_inside(ws, c.max_len, c.threads);
  }
}

}  // namespace
}  // namespace bertq::engine
