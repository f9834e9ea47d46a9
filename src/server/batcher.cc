// Batcher (see batcher.h). Each request is a Pending record shared between the caller (who
// waits on its condition variable) and the workers (who fill its results). Queued entries
// point at one item of one Pending; a request that timed out or failed is marked `closed`
// and its remaining entries are dropped when a worker reaches them.
#include "server/batcher.h"

#include <algorithm>
#include <exception>
#include <map>
#include <numeric>

#include "core/error.h"

namespace bertq::server {

using Clock = std::chrono::steady_clock;

struct Batcher::Pending {
  std::vector<ClassifyItem> items;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ClassifyResult> results;
  size_t remaining = 0;
  bool closed = false;  // timed out or failed: skip its queued items
  BatchStatus error = BatchStatus::OK;
  std::string message;

  void fail(BatchStatus status, const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    if (closed) return;
    closed = true;
    error = status;
    message = why;
    cv.notify_all();
  }
  bool is_closed() {
    std::lock_guard<std::mutex> lock(mu);
    return closed;
  }
};

const char* batch_status_name(BatchStatus s) {
  switch (s) {
    case BatchStatus::OK:
      return "ok";
    case BatchStatus::QUEUE_FULL:
      return "queue_full";
    case BatchStatus::TIMEOUT:
      return "timeout";
    case BatchStatus::INVALID_INPUT:
      return "invalid_input";
    case BatchStatus::INTERNAL:
      return "internal";
    case BatchStatus::SHUTTING_DOWN:
      return "shutting_down";
  }
  return "unknown";
}

Batcher::Batcher(Backend& backend, BatcherOptions options, Metrics* metrics)
    : backend_(backend), options_(options), metrics_(metrics) {
  check(options_.max_batch >= 1, ErrorCode::INVALID_ARGUMENT, "max batch ", options_.max_batch,
        ": must be at least 1");
  check(options_.max_wait.count() >= 0, ErrorCode::INVALID_ARGUMENT,
        "max wait: must not be negative");
  check(options_.max_queue >= 1, ErrorCode::INVALID_ARGUMENT, "max queue: must be at least 1");
  check(options_.workers >= 1, ErrorCode::INVALID_ARGUMENT, "workers ", options_.workers,
        ": must be at least 1");
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

Batcher::~Batcher() {
  stop();
}

void Batcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

size_t Batcher::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

BatchOutcome Batcher::run(std::vector<ClassifyItem> items, Clock::time_point deadline) {
  BatchOutcome out;
  if (items.empty()) return out;
  auto req = std::make_shared<Pending>();
  req->items = std::move(items);
  req->results.resize(req->items.size());
  req->remaining = req->items.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return {BatchStatus::SHUTTING_DOWN, "the server is shutting down", {}};
    if (queue_.size() + req->items.size() > options_.max_queue) {
      return {BatchStatus::QUEUE_FULL,
              cat("queue full: ", queue_.size(), " texts waiting, ", req->items.size(),
                  " more would exceed the limit of ", options_.max_queue),
              {}};
    }
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < req->items.size(); ++i) queue_.push_back({req, i, now});
    if (metrics_ != nullptr) metrics_->set_queue_depth(queue_.size());
  }
  cv_.notify_all();

  std::unique_lock<std::mutex> lock(req->mu);
  const bool done =
      req->cv.wait_until(lock, deadline, [&] { return req->remaining == 0 || req->closed; });
  if (!done) {
    req->closed = true;  // workers drop its queued items
    return {BatchStatus::TIMEOUT, "the request timed out waiting for the model", {}};
  }
  if (req->remaining != 0) return {req->error, req->message, {}};
  out.results = std::move(req->results);
  return out;
}

std::vector<Batcher::Queued> Batcher::take_batch() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return {};  // stopping and drained
    // Wait for more texts until the batch is full or the oldest one has waited max_wait.
    const Clock::time_point flush_at = queue_.front().arrived + options_.max_wait;
    cv_.wait_until(lock, flush_at, [&] {
      return stopping_ || queue_.size() >= size_t(options_.max_batch) || queue_.empty();
    });
    std::vector<Queued> batch;
    while (!queue_.empty() && batch.size() < size_t(options_.max_batch)) {
      Queued q = std::move(queue_.front());
      queue_.pop_front();
      if (!q.request->is_closed()) batch.push_back(std::move(q));
    }
    if (metrics_ != nullptr) metrics_->set_queue_depth(queue_.size());
    if (!queue_.empty()) cv_.notify_one();  // another worker may start the next batch
    if (!batch.empty()) return batch;
  }
}

void Batcher::worker_loop() {
  for (;;) {
    std::vector<Queued> batch = take_batch();
    if (batch.empty()) return;
    process(batch);
  }
}

void Batcher::process(std::vector<Queued>& batch) {
  // Length buckets: similar lengths side by side (the backend packs them without padding).
  std::stable_sort(batch.begin(), batch.end(), [](const Queued& a, const Queued& b) {
    return a.request->items[a.index].text.size() < b.request->items[b.index].text.size();
  });
  run_backend(batch, /*isolate_on_failure=*/true);
}

void Batcher::run_backend(std::vector<Queued>& batch, bool isolate_on_failure) {
  std::vector<ClassifyItem> items;
  items.reserve(batch.size());
  for (const Queued& q : batch) items.push_back(q.request->items[q.index]);
  BatchStatus status = BatchStatus::OK;
  std::string message;
  std::vector<ClassifyResult> results;
  const Clock::time_point t0 = Clock::now();
  try {
    results = backend_.classify(items);
    if (results.size() != items.size()) {
      throw Error(ErrorCode::INTERNAL, cat("backend returned ", results.size(), " results for ",
                                           items.size(), " texts"));
    }
  } catch (const Error& e) {
    status = e.code() == ErrorCode::INVALID_ARGUMENT ? BatchStatus::INVALID_INPUT
                                                     : BatchStatus::INTERNAL;
    message = e.what();
  } catch (const std::exception& e) {
    status = BatchStatus::INTERNAL;
    message = e.what();
  } catch (...) {
    status = BatchStatus::INTERNAL;
    message = "unknown exception in the model";
  }
  if (status != BatchStatus::OK) {
    std::map<Pending*, std::vector<Queued>> by_request;
    for (Queued& q : batch) by_request[q.request.get()].push_back(q);
    if (isolate_on_failure && by_request.size() > 1) {
      for (auto& [req, own] : by_request) run_backend(own, /*isolate_on_failure=*/false);
    } else {
      for (auto& [req, own] : by_request) req->fail(status, message);
    }
    return;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t tokens = 0;
  for (const ClassifyResult& r : results) tokens += r.tokens;
  if (metrics_ != nullptr) metrics_->record_batch(items.size(), tokens, seconds);
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& req = *batch[i].request;
    std::lock_guard<std::mutex> lock(req.mu);
    if (req.closed) continue;
    req.results[batch[i].index] = std::move(results[i]);
    if (--req.remaining == 0) req.cv.notify_all();
  }
}

}  // namespace bertq::server
