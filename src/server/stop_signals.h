// SIGINT / SIGTERM as a clean stop request for a server, SIGHUP as a reload request (ignored
// without on_reload). The constructor installs a process-wide
// handler (sigaction) that only writes the signal number into a pipe (async-signal-safe); a
// dedicated thread reads the pipe and calls the user's handler in normal thread context (no
// async-signal-safety limits), e.g. Server::stop(), which drains in-flight requests. Whichever
// thread the kernel picks for the signal (including threads that shared libraries start before
// main, such as OpenBLAS's or OpenMP's pools) runs only that write, so the process is never
// killed by the default action while a StopSignals exists. One instance at a time.
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
  StopSignals();   // installs the SIGINT / SIGTERM handlers; throws if another instance exists
  ~StopSignals();  // ends the waiting thread; restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Starts the waiting thread: handler(signal number, count so far) runs on every SIGINT or
  // SIGTERM (count 1 for the first: drain; a caller may treat a second one as "stop now").
  // Signals that arrived before on_stop are delivered to the handler when it starts.
  void on_stop(std::function<void(int sig, int count)> handler);
  // SIGHUP runs `handler` on the same thread (e.g. re-read the API keys); set before on_stop.
  void on_reload(std::function<void()> handler);
  // Ends the waiting thread (no more handler calls); the destructor calls it too. Call it
  // before destroying what the handler uses.
  void close();
  int received() const { return received_.load(); }  // the first signal, or 0

 private:
  std::thread waiter_;
  std::atomic<int> received_{0};
  int pipe_[2] = {-1, -1};
  std::function<void()> reload_;
  unsigned char old_actions_[3][256];  // struct sigaction storage for SIGINT, SIGTERM, SIGHUP
};

}  // namespace bertq::server
