#include "core/interrupt.h"

#include <csignal>

#include <atomic>

#include "core/error.h"

namespace bertq {
namespace {

std::atomic<bool> g_flag{false};

extern "C" void on_signal(int sig) {
  if (g_flag.load()) std::signal(sig, SIG_DFL);  // second signal: let the next one kill us
  g_flag.store(true);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupt_requested() {
  return g_flag.load(std::memory_order_relaxed);
}
void set_interrupt_requested(bool value) {
  g_flag.store(value);
}

void throw_if_interrupted(const char* what) {
  if (interrupt_requested()) throw Error(ErrorCode::INTERRUPTED, cat(what, ": interrupted"));
}

}  // namespace bertq
