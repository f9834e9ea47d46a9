// StopSignals (see stop_signals.h). The destructor wakes the waiter by sending SIGTERM to
// that thread alone (pthread_kill) with `closing_` set, so no real signal is mistaken for it.
#include "server/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>

#include "core/error.h"

namespace bertq::server {
namespace {

sigset_t stop_set() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  return s;
}

}  // namespace

StopSignals::StopSignals() {
  static_assert(sizeof(old_mask_) >= sizeof(sigset_t));
  const sigset_t s = stop_set();
  sigset_t old;
  const int rc = pthread_sigmask(SIG_BLOCK, &s, &old);
  check(rc == 0, ErrorCode::INTERNAL, cat("pthread_sigmask: ", std::strerror(rc)));
  std::memcpy(old_mask_, &old, sizeof(old));
}

void StopSignals::close() {
  if (waiter_.joinable()) {
    closing_.store(true);
    pthread_kill(waiter_.native_handle(), SIGTERM);
    waiter_.join();
  }
}

StopSignals::~StopSignals() {
  close();
  sigset_t old;
  std::memcpy(&old, old_mask_, sizeof(old));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void StopSignals::on_stop(std::function<void(int, int)> handler) {
  check(!waiter_.joinable(), ErrorCode::INTERNAL, "StopSignals::on_stop called twice");
  waiter_ = std::thread([this, handler = std::move(handler)] {
    const sigset_t s = stop_set();
    for (int count = 1;; ++count) {
      int sig = 0;
      if (sigwait(&s, &sig) != 0 || closing_.load()) return;
      if (count == 1) received_.store(sig);
      handler(sig, count);
    }
  });
}

}  // namespace bertq::server
