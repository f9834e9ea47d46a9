// Dynamic batching: concurrent requests put their texts on one queue; worker threads take up
// to max_batch texts, waiting at most max_wait after the oldest queued text arrived (or less
// if the batch fills up), sort them by text length (length buckets), call Backend::classify
// once per batch and hand each request its own results in its input order. A request with
// more than max_batch texts spans several batches.
//
// Isolation: if a merged batch fails, each request in it is retried alone, so a bad text
// (e.g. invalid UTF-8 found by the tokenizer) fails only its own request. Limits: a queue of
// at most max_queue texts (QUEUE_FULL beyond, the HTTP layer answers 503 + Retry-After); a
// request that is not done by its deadline gets TIMEOUT (504) and its queued texts are
// dropped. stop() refuses new requests, finishes everything queued, and joins the workers.
//
//   Batcher b(backend, {.max_batch = 32, .max_wait = std::chrono::milliseconds(5)}, &metrics);
//   BatchOutcome r = b.run(items, std::chrono::steady_clock::now() + std::chrono::seconds(30));
//   if (r.status == BatchStatus::OK) use(r.results);  // r.results[i] belongs to items[i]
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/backend.h"
#include "server/metrics.h"

namespace bertq::server {

struct BatcherOptions {
  int max_batch = 32;                        // texts per Backend::classify call
  std::chrono::microseconds max_wait{5000};  // after the oldest queued text arrived
  size_t max_queue = 4096;                   // texts waiting, over all requests
  int workers = 1;                           // threads calling the backend
};

enum class BatchStatus { OK, QUEUE_FULL, TIMEOUT, INVALID_INPUT, INTERNAL, SHUTTING_DOWN };

struct [[nodiscard]] BatchOutcome {
  BatchStatus status = BatchStatus::OK;
  std::string message;                  // why, when status != OK
  std::vector<ClassifyResult> results;  // one per item, in order, when OK
};

class Batcher {
 public:
  // `backend` and `metrics` (may be null) must outlive the Batcher. Throws INVALID_ARGUMENT
  // for options out of range.
  Batcher(Backend& backend, BatcherOptions options, Metrics* metrics);
  ~Batcher();  // stop()
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Blocks until the items are classified, the deadline passes or the batcher stops.
  BatchOutcome run(std::vector<ClassifyItem> items, std::chrono::steady_clock::time_point deadline);

  void stop();  // idempotent; drains the queue first
  size_t queue_depth() const;

 private:
  struct Pending;
  struct Queued {
    std::shared_ptr<Pending> request;
    size_t index;
    std::chrono::steady_clock::time_point arrived;
  };

  void worker_loop();
  std::vector<Queued> take_batch();  // empty when stopping and drained
  void process(std::vector<Queued>& batch);
  void run_backend(std::vector<Queued>& batch, bool isolate_on_failure);

  Backend& backend_;
  const BatcherOptions options_;
  Metrics* metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

const char* batch_status_name(BatchStatus s);

}  // namespace bertq::server
