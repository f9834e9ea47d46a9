// bertq's default for libgomp's wait policy (the inference executable; bertq-train keeps
// libtorch's). libgomp spins ~3 ms (GOMP_SPINCOUNT 300000) at every barrier before it sleeps. A
// forward pass has hundreds of short parallel regions (oneDNN and ours); when other processes
// hold the CPUs, a spinning worker keeps its core from the thread it waits for, and batch-1
// latency grows by half or more (README "CPU features and threads":
// bench/engine/results/2026-12-02_omp_wait_probe.txt). A 1,000-iteration spin kept the
// quiet-machine latency there and was the fastest under load.
//
// libgomp reads its environment once, in its own initialiser, before any code of this
// executable runs; no setting made here reaches it in this process image. So when neither
// OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, bertq sets the default and executes itself again
// (before main(): nothing has been read or written yet). A user's setting is left alone; if the
// re-execution fails, bertq runs on with libgomp's default.
#include "cli/omp_defaults.h"

#include <unistd.h>

#include <cstdlib>

namespace bertq::cli {
namespace {

constexpr const char* kSpinCount = "1000";  // ~10 us of spinning per wait
// Set beside GOMP_SPINCOUNT when the value is bertq's default, not the user's.
constexpr const char* kDefaultMarker = "BERTQ_OMP_DEFAULT";

__attribute__((constructor)) void reexec_with_omp_default(int, char** argv, char**) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") || !argv) return;
  if (setenv("GOMP_SPINCOUNT", kSpinCount, 1) != 0 || setenv(kDefaultMarker, "1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GOMP_SPINCOUNT");  // no re-execution (no /proc?): libgomp's default, said so by info
  unsetenv(kDefaultMarker);
}

}  // namespace

void drop_omp_default() {
  if (!std::getenv(kDefaultMarker)) return;
  unsetenv("GOMP_SPINCOUNT");
  unsetenv(kDefaultMarker);
}

std::string omp_wait_setting() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  std::string s;
  if (policy) s += std::string("OMP_WAIT_POLICY=") + policy;
  if (spin) s += std::string(s.empty() ? "" : " ") + "GOMP_SPINCOUNT=" + spin;
  if (s.empty()) return "libgomp's default (OMP_WAIT_POLICY and GOMP_SPINCOUNT unset)";
  return s + (std::getenv(kDefaultMarker) ? " (bertq's default)" : " (from the environment)");
}

}  // namespace bertq::cli
