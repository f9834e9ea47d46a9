// The one project error type. Library code throws bertq::Error with a code and a message that
// names the file / tensor / field involved; only the boundaries (cli/main.cc, HTTP handlers,
// tests) catch it. Never print-and-continue, never exit() in library code.
//
//   throw Error(ErrorCode::CORRUPT_FILE, cat("tensor ", name, ": expected ", want, ", got ", got));
//   check(n > 0, ErrorCode::INVALID_ARGUMENT, "batch size ", n, ": must be at least 1");
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bertq {

enum class ErrorCode {
  INVALID_ARGUMENT,  // the caller's input is wrong (bad option, bad text, bad request)
  CORRUPT_FILE,      // a file exists but its contents are malformed or inconsistent
  NOT_FOUND,         // a file, tensor, field or resource is missing
  UNSUPPORTED,       // well-formed, but a feature we do not implement
  IO,                // the operating system or network failed
  INTERRUPTED,       // the user asked to stop (SIGINT / SIGTERM)
  INTERNAL,          // a bug in bertq
};

std::string_view error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Concatenates anything streamable: cat("layer ", i, ": ", msg).
template <typename... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

// What check() calls when its condition is false: throws Error(code, cat(message...)).
template <typename... Args>
[[noreturn, gnu::cold, gnu::noinline]] void check_failed(ErrorCode code, const Args&... message) {
  throw Error(code, cat(message...));
}

// Throws Error(code, cat(message...)) when cond is false. The message parts are formatted only
// when the check fails, so a passing check costs one branch and is fine per token or per row.
// They are still evaluated as arguments: pass values, not computed strings (no cat() here).
//   check(id < vocab, ErrorCode::INVALID_ARGUMENT, "token id ", id, " outside [0, ", vocab, ")");
template <typename... Args>
inline void check(bool cond, ErrorCode code, const Args&... message) {
  if (!cond) [[unlikely]]
    check_failed(code, message...);
}

// Adds context in front of an error's message and rethrows it with the same code:
//   try { load(x); } catch (const Error& e) { rethrow_with_context(e, "model " + dir); }
[[noreturn]] void rethrow_with_context(const Error& e, const std::string& context);

}  // namespace bertq
