#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace bertq {
namespace {

LogLevel level_from_env() {
  const char* env = std::getenv("BERTQ_LOG");
  if (env == nullptr) return LogLevel::INFO;
  if (std::strcmp(env, "debug") == 0) return LogLevel::DEBUG;
  if (std::strcmp(env, "warn") == 0) return LogLevel::WARN;
  if (std::strcmp(env, "error") == 0) return LogLevel::ERROR;
  if (std::strcmp(env, "off") == 0) return LogLevel::OFF;
  return LogLevel::INFO;
}

std::atomic<int>& level_var() {
  static std::atomic<int> level{static_cast<int>(level_from_env())};
  return level;
}

}  // namespace

LogLevel log_level() {
  return static_cast<LogLevel>(level_var().load());
}
void set_log_level(LogLevel level) {
  level_var().store(static_cast<int>(level));
}

void log_message(LogLevel level, const std::string& message) {
  if (static_cast<int>(level) < level_var().load()) return;
  static std::mutex mu;
  static const char* names[] = {"debug", "info", "warning", "error"};
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "bertq %s: %s\n", names[static_cast<int>(level)], message.c_str());
}

}  // namespace bertq
