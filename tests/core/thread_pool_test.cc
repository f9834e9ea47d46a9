#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>

#include "core/error.h"

namespace bertq {
namespace {

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    for (size_t n : {0ul, 1ul, 7ul, 1000ul}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) hits[i]++;
      });
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1) << "threads " << threads << " i " << i;
    }
  }
}

TEST(ThreadPool, RethrowsTheFirstError) {
  ThreadPool pool(2);
  EXPECT_THROW(pool.parallel_for(100,
                                 [&](size_t b, size_t) {
                                   if (b == 0) throw Error(ErrorCode::INVALID_ARGUMENT, "boom");
                                 }),
               Error);
  // The pool stays usable after an error.
  std::atomic<size_t> sum{0};
  pool.parallel_for(10, [&](size_t b, size_t e) { sum += e - b; });
  EXPECT_EQ(sum.load(), 10u);
}

TEST(ThreadPool, RejectsZeroThreads) {
  EXPECT_THROW(ThreadPool(0), Error);
}

}  // namespace
}  // namespace bertq
