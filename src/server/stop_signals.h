// SIGINT / SIGTERM as a clean stop request for a server: the constructor blocks both signals
// in the calling thread, so every thread started afterwards (HTTP workers, batcher, OpenMP)
// inherits the mask and only a dedicated thread receives them with sigwait(). That thread
// calls the handler once, in normal thread context (no async-signal-safety limits), e.g.
// Server::stop(), which drains in-flight requests. Create it first thing, before any thread.
//
//   StopSignals signals;                              // before loading the model
//   auto backend = make_classifier_backend(dir, 0);
//   Server server(*backend, options);
//   signals.on_stop([&](int sig, int count) { server.stop(); });
//   server.bind();  server.serve();                   // returns after SIGTERM, drained
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace bertq::server {

class StopSignals {
 public:
  StopSignals();   // blocks SIGINT and SIGTERM in this thread
  ~StopSignals();  // ends the waiting thread; restores the previous mask
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Starts the waiting thread: handler(signal number, count so far) runs on every SIGINT or
  // SIGTERM (count 1 for the first: drain; a caller may treat a second one as "stop now").
  void on_stop(std::function<void(int sig, int count)> handler);
  // Ends the waiting thread (no more handler calls); the destructor calls it too. Call it
  // before destroying what the handler uses.
  void close();
  int received() const { return received_.load(); }  // the first signal, or 0

 private:
  std::thread waiter_;
  std::atomic<int> received_{0};
  std::atomic<bool> closing_{false};
  unsigned long old_mask_[1024 / (8 * sizeof(unsigned long))];  // sigset_t storage
};

}  // namespace bertq::server
