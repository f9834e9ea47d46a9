// A small fixed-size thread pool with a blocking parallel_for. The calling thread takes part,
// so a pool of N threads runs N-way parallel with N-1 workers.
//
//   bertq::ThreadPool pool(4);
//   pool.parallel_for(n, [&](size_t begin, size_t end) { for (i = begin; i < end; ++i) ... });
//
// Exceptions thrown by a chunk are captured and the first one is rethrown from parallel_for.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bertq {

// Threads to use by default: cpu_budget().cpus (core/cpu_budget.h): BERTQ_THREADS if set, else
// the CPUs this process may use (affinity mask, cgroup CPU limit), decided once per process
// (and again when BERTQ_THREADS or BERTQ_CGROUP_ROOT change).
int default_num_threads();

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads = default_num_threads());
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Splits [0, n) into chunks of at least `grain` items and runs fn(begin, end) on them.
  void parallel_for(size_t n, const std::function<void(size_t, size_t)>& fn, size_t grain = 1);

 private:
  void worker_loop();
  bool run_one_chunk();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_work_, cv_done_;
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t n_ = 0, chunk_ = 0, next_ = 0, pending_ = 0;
  unsigned long generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::mutex call_mu_;  // one parallel_for at a time
};

}  // namespace bertq
