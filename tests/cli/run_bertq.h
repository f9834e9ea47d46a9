// Runs the built `bertq` binary (BERTQ_CLI), or another, with arguments and collects what it
// prints.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace bertq::testing {

struct CliOutput {
  int status = -1;  // pclose status (0 = exit 0)
  std::string text;
};

// `BINARY ARGS`; stderr joins stdout when `with_stderr`, else it is dropped.
inline CliOutput run_binary(const std::string& binary, const std::string& args,
                            bool with_stderr = false) {
  const std::string cmd = binary + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliOutput o;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.text.append(buf.data(), n);
  o.status = pclose(p);
  return o;
}

// `bertq ARGS`, the same way.
inline CliOutput run_bertq(const std::string& args, bool with_stderr = false) {
  return run_binary(BERTQ_CLI, args, with_stderr);
}

}  // namespace bertq::testing
