#include "core/thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/cpu_budget.h"
#include "core/error.h"

namespace bertq {

int default_num_threads() {
  // cpu_budget() reads /proc and cgroup files: decide once, not on every forward pass (the
  // engine asks per call); again only when BERTQ_THREADS / BERTQ_CGROUP_ROOT change.
  static std::mutex mu;
  static std::string decided_for;
  static int cpus = 0;
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string("\x01unset");
  };
  const std::string key = env("BERTQ_THREADS") + '\0' + env("BERTQ_CGROUP_ROOT");
  std::lock_guard<std::mutex> lock(mu);
  if (cpus == 0 || key != decided_for) {
    cpus = cpu_budget().cpus;
    decided_for = key;
  }
  return cpus;
}

ThreadPool::ThreadPool(int num_threads) {
  check(num_threads >= 1, ErrorCode::INVALID_ARGUMENT, "thread count must be at least 1, got ",
        num_threads);
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_work_.notify_all();
  for (auto& t : workers_) t.join();
}

bool ThreadPool::run_one_chunk() {
  // Called with mu_ held; releases it while running the chunk.
  if (fn_ == nullptr || next_ >= n_) return false;
  const size_t begin = next_;
  const size_t end = std::min(n_, begin + chunk_);
  next_ = end;
  const auto* fn = fn_;
  mu_.unlock();
  std::exception_ptr err;
  try {
    (*fn)(begin, end);
  } catch (...) {
    err = std::current_exception();
  }
  mu_.lock();
  if (err && !error_) error_ = err;
  if (--pending_ == 0) cv_done_.notify_all();
  return true;
}

void ThreadPool::worker_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  unsigned long seen = 0;
  while (true) {
    cv_work_.wait(lock, [&] { return stop_ || (generation_ != seen && next_ < n_); });
    if (stop_) return;
    seen = generation_;
    while (run_one_chunk()) {
    }
  }
}

void ThreadPool::parallel_for(size_t n, const std::function<void(size_t, size_t)>& fn,
                              size_t grain) {
  if (n == 0) return;
  const size_t threads = static_cast<size_t>(num_threads());
  if (threads == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  std::lock_guard<std::mutex> call_lock(call_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  // About 4 chunks per thread balances uneven work without much locking.
  chunk_ = std::max<size_t>(std::max<size_t>(grain, 1), (n + threads * 4 - 1) / (threads * 4));
  n_ = n;
  next_ = 0;
  pending_ = (n + chunk_ - 1) / chunk_;
  fn_ = &fn;
  error_ = nullptr;
  ++generation_;
  cv_work_.notify_all();
  while (run_one_chunk()) {
  }
  cv_done_.wait(lock, [&] { return pending_ == 0; });
  fn_ = nullptr;
  n_ = 0;
  if (error_) {
    auto e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace bertq
