// What the fuzz targets share: the trap that reports a broken invariant, a per-process scratch
// folder, and the entry pattern "first byte picks the mode, the rest is the input; only
// bertq::Error may escape".
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return bertq::fuzz::run_input(data, size, [](uint8_t mode, const std::string& rest) {..});
//   }
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"

namespace bertq::fuzz {

// A broken invariant: libFuzzer reports the crash and keeps the input.
[[noreturn]] inline void bug() {
  __builtin_trap();
}

// /tmp/bertq-NAME-PID, made and filled by init(dir) on first use; removed when the process
// exits normally (after a crash it stays for the post-mortem).
inline const std::string& scratch_dir(const char* name,
                                      const std::function<void(const std::string&)>& init) {
  struct Dir {
    std::string path;
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir = [&] {
    Dir d{cat("/tmp/bertq-", name, "-", ::getpid())};
    make_dirs(d.path);
    init(d.path);
    return d;
  }();
  return dir.path;
}

// Calls fn(first byte, the rest) with logging off; a bertq::Error from fn is an accepted
// outcome (bad input rejected), anything else reaches libFuzzer as a crash.
template <class Fn>
int run_input(const uint8_t* data, size_t size, Fn&& fn) {
  static const bool quiet = (set_log_level(LogLevel::OFF), true);
  (void)quiet;
  if (size == 0) return 0;
  try {
    fn(data[0], std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace bertq::fuzz
