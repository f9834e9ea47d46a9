// Dynamic batching with the fake backend: merging under load, input order, per-request
// isolation of failures, timeouts, queue limit, draining on stop.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_backend.h"
#include "server/batcher.h"

namespace bertq::server {
namespace {

using namespace std::chrono_literals;
using testing::fake_result;
using testing::FakeBackend;
using testing::item;
using Clock = std::chrono::steady_clock;

std::vector<ClassifyItem> items_for(int client, int n) {
  std::vector<ClassifyItem> items;
  for (int i = 0; i < n; ++i) {
    // Varying lengths so the batcher's length sort really reorders.
    items.push_back(item("client " + std::to_string(client) + " text " + std::to_string(i) +
                         std::string(size_t((client * 7 + i * 13) % 50), 'x')));
  }
  return items;
}

void expect_results_match(const std::vector<ClassifyItem>& items, const BatchOutcome& r) {
  ASSERT_EQ(r.status, BatchStatus::OK) << r.message;
  ASSERT_EQ(r.results.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const ClassifyResult want = fake_result(items[i]);
    EXPECT_EQ(r.results[i].label_id, want.label_id) << "item " << i;
    EXPECT_EQ(r.results[i].probs, want.probs) << "item " << i << ": " << items[i].text;
    EXPECT_EQ(r.results[i].tokens, want.tokens) << "item " << i;
  }
}

TEST(Batcher, MergesConcurrentRequestsAndKeepsOrder) {
  FakeBackend backend;
  backend.delay_ = 2ms;
  Metrics metrics;
  Batcher b(backend, {.max_batch = 16, .max_wait = 20ms}, &metrics);
  constexpr int kClients = 24;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      for (int round = 0; round < 3; ++round) {
        const auto items = items_for(c * 10 + round, 1 + (c + round) % 4);
        const BatchOutcome r = b.run(items, Clock::now() + 10s);
        expect_results_match(items, r);
        if (r.status != BatchStatus::OK) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(backend.max_batch_seen(), 1u) << "no two requests were merged";
  EXPECT_LE(backend.max_batch_seen(), 16u);
  size_t total = 0;
  for (size_t s : backend.batch_sizes()) total += s;
  size_t want = 0;
  for (int c = 0; c < kClients; ++c)
    for (int round = 0; round < 3; ++round) want += size_t(1 + (c + round) % 4);
  EXPECT_EQ(total, want);
  EXPECT_LT(backend.calls(), int(want)) << "every text ran alone";
}

TEST(Batcher, LargeRequestSpansBatches) {
  FakeBackend backend;
  Batcher b(backend, {.max_batch = 4, .max_wait = 1ms}, nullptr);
  const auto items = items_for(1, 10);
  expect_results_match(items, b.run(items, Clock::now() + 5s));
  EXPECT_EQ(backend.max_batch_seen(), 4u);
  EXPECT_GE(backend.calls(), 3);
}

TEST(Batcher, WaitsAtMostMaxWait) {
  FakeBackend backend;
  Batcher b(backend, {.max_batch = 64, .max_wait = 30ms}, nullptr);
  const auto t0 = Clock::now();
  expect_results_match(items_for(1, 1), b.run(items_for(1, 1), Clock::now() + 5s));
  const auto waited = Clock::now() - t0;
  EXPECT_GE(waited, 25ms);    // it did wait for company
  EXPECT_LT(waited, 1000ms);  // but not for long
}

TEST(Batcher, FailureHitsOnlyTheBadRequest) {
  FakeBackend backend;
  backend.delay_ = 5ms;
  Batcher b(backend, {.max_batch = 32, .max_wait = 30ms}, nullptr);
  BatchOutcome bad_internal, bad_input, good;
  std::vector<ClassifyItem> good_items = items_for(3, 3);
  std::thread t1([&] {
    bad_internal = b.run({item("fine"), item("__internal__")}, Clock::now() + 5s);
  });
  std::thread t2([&] { bad_input = b.run({item("__invalid__")}, Clock::now() + 5s); });
  std::thread t3([&] { good = b.run(good_items, Clock::now() + 5s); });
  t1.join();
  t2.join();
  t3.join();
  EXPECT_EQ(bad_internal.status, BatchStatus::INTERNAL);
  EXPECT_NE(bad_internal.message.find("exploded"), std::string::npos);
  EXPECT_EQ(bad_input.status, BatchStatus::INVALID_INPUT);
  expect_results_match(good_items, good);
  // And it keeps serving.
  expect_results_match(items_for(4, 2), b.run(items_for(4, 2), Clock::now() + 5s));
}

TEST(Batcher, TimeoutAndQueueLimit) {
  FakeBackend backend;
  backend.delay_ = 300ms;
  Batcher b(backend, {.max_batch = 1, .max_wait = 0ms, .max_queue = 3}, nullptr);
  BatchOutcome first;
  std::thread t([&] { first = b.run(items_for(0, 1), Clock::now() + 5s); });
  std::this_thread::sleep_for(50ms);  // the worker is now busy with the first
  const BatchOutcome timed_out = b.run(items_for(1, 1), Clock::now() + 50ms);
  EXPECT_EQ(timed_out.status, BatchStatus::TIMEOUT);
  const BatchOutcome full = b.run(items_for(2, 4), Clock::now() + 5s);
  EXPECT_EQ(full.status, BatchStatus::QUEUE_FULL);
  EXPECT_NE(full.message.find("limit of 3"), std::string::npos) << full.message;
  t.join();
  expect_results_match(items_for(0, 1), first);
  EXPECT_EQ(backend.calls(), 1) << "the timed-out request's text was still run";
}

TEST(Batcher, StopDrainsQueuedWork) {
  FakeBackend backend;
  backend.delay_ = 20ms;
  auto b =
      std::make_unique<Batcher>(backend, BatcherOptions{.max_batch = 2, .max_wait = 0ms}, nullptr);
  std::vector<BatchOutcome> out(6);
  std::vector<std::thread> threads;
  for (int c = 0; c < 6; ++c)
    threads.emplace_back([&, c] { out[c] = b->run(items_for(c, 1), Clock::now() + 10s); });
  std::this_thread::sleep_for(10ms);
  b->stop();
  for (auto& t : threads) t.join();
  for (int c = 0; c < 6; ++c) {
    // Queued before stop: answered; arrived after: refused. Never lost.
    if (out[c].status == BatchStatus::OK) {
      expect_results_match(items_for(c, 1), out[c]);
    } else {
      EXPECT_EQ(out[c].status, BatchStatus::SHUTTING_DOWN) << c;
    }
  }
  EXPECT_EQ(b->run(items_for(9, 1), Clock::now() + 1s).status, BatchStatus::SHUTTING_DOWN);
}

TEST(Batcher, RejectsBadOptions) {
  FakeBackend backend;
  EXPECT_THROW(Batcher(backend, {.max_batch = 0}, nullptr), Error);
  EXPECT_THROW(Batcher(backend, {.workers = 0}, nullptr), Error);
}

}  // namespace
}  // namespace bertq::server
