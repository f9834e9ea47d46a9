// StopSignals (see stop_signals.h): a self-pipe. The signal handler writes the signal number as
// one byte; close() writes a 0 byte, which tells the waiting thread to return.
#include "server/stop_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace bertq::server {
namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_write_fd{-1};  // the live instance's pipe, for the handler

void on_stop_signal(int sig) {
  const int saved = errno;
  const int fd = g_write_fd.load();
  const unsigned char b = static_cast<unsigned char>(sig);
  if (fd >= 0) {
    ssize_t rc;
    do rc = write(fd, &b, 1);
    while (rc < 0 && errno == EINTR);
  }
  errno = saved;
}

}  // namespace

StopSignals::StopSignals() {
  static_assert(sizeof(old_actions_[0]) >= sizeof(struct sigaction));
  check(pipe2(pipe_, O_CLOEXEC) == 0, ErrorCode::INTERNAL, "pipe2: ", std::strerror(errno));
  int expected = -1;
  if (!g_write_fd.compare_exchange_strong(expected, pipe_[1])) {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
    throw Error(ErrorCode::INTERNAL, "StopSignals: only one instance may exist at a time");
  }
  for (int i = 0; i < 3; ++i) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    struct sigaction old {};
    const int rc = sigaction(kSignals[i], &sa, &old);
    check(rc == 0, ErrorCode::INTERNAL, "sigaction: ", std::strerror(errno));
    std::memcpy(old_actions_[i], &old, sizeof(old));
  }
}

void StopSignals::close() {
  if (!waiter_.joinable()) return;
  const unsigned char stop = 0;
  ssize_t rc;
  do rc = write(pipe_[1], &stop, 1);
  while (rc < 0 && errno == EINTR);
  waiter_.join();
}

StopSignals::~StopSignals() {
  close();
  for (int i = 0; i < 3; ++i) {
    struct sigaction old {};
    std::memcpy(&old, old_actions_[i], sizeof(old));
    sigaction(kSignals[i], &old, nullptr);
  }
  g_write_fd.store(-1);
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void StopSignals::on_reload(std::function<void()> handler) {
  check(!waiter_.joinable(), ErrorCode::INTERNAL, "StopSignals::on_reload after on_stop");
  reload_ = std::move(handler);
}

void StopSignals::on_stop(std::function<void(int, int)> handler) {
  check(!waiter_.joinable(), ErrorCode::INTERNAL, "StopSignals::on_stop called twice");
  waiter_ = std::thread([this, handler = std::move(handler)] {
    for (int count = 1;; ++count) {
      unsigned char b = 0;
      const ssize_t rc = read(pipe_[0], &b, 1);
      if (rc < 0 && errno == EINTR) {
        --count;
        continue;
      }
      if (rc != 1 || b == 0) return;
      const int sig = b;
      if (sig == SIGHUP) {  // not a stop
        --count;
        if (reload_) reload_();
        continue;
      }
      if (count == 1) received_.store(sig);
      handler(sig, count);
    }
  });
}

}  // namespace bertq::server
