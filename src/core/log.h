// Leveled logging to stderr. BERTQ_LOG=debug|info|warn|error (default info) sets the level.
// Logging is for progress and diagnostics only: errors are thrown, never logged-and-ignored.
//
//   bertq::log_info(bertq::cat("loaded ", n, " tensors"));
#pragma once

#include <string>

namespace bertq {

enum class LogLevel { DEBUG = 0, INFO = 1, WARN = 2, ERROR = 3, OFF = 4 };

LogLevel log_level();
void set_log_level(LogLevel level);
void log_message(LogLevel level, const std::string& message);

inline void log_debug(const std::string& m) {
  log_message(LogLevel::DEBUG, m);
}
inline void log_info(const std::string& m) {
  log_message(LogLevel::INFO, m);
}
inline void log_warn(const std::string& m) {
  log_message(LogLevel::WARN, m);
}

}  // namespace bertq
