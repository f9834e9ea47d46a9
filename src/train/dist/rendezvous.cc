// torchrun's environment and the --world-size / --rank / --master flags (see rendezvous.h).
#include "train/dist/rendezvous.h"

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/thread_pool.h"

namespace bertq::train {

namespace {

// The integer variable `name`, or `fallback` when unset; INVALID_ARGUMENT when not a number.
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  check(*end == '\0', ErrorCode::INVALID_ARGUMENT, name, ": expected an integer, got \"", v, "\"");
  return static_cast<int>(x);
}

std::string env_str(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

DistEnv dist_env(const LoopOptions& o) {
  DistEnv e;
  e.world_size = o.world_size > 0 ? o.world_size : env_int("WORLD_SIZE", 1);
  e.rank = o.rank >= 0 ? o.rank : env_int("RANK", 0);
  check(e.world_size >= 1, ErrorCode::INVALID_ARGUMENT,
        "--world-size / WORLD_SIZE: must be >= 1, got ", e.world_size);
  check(e.rank >= 0 && e.rank < e.world_size, ErrorCode::INVALID_ARGUMENT,
        "--rank / RANK: must be in [0, ", e.world_size, "), got ", e.rank);
  e.local_world_size = env_int("LOCAL_WORLD_SIZE", 1);
  e.local_rank = env_int("LOCAL_RANK", 0);
  if (e.world_size == 1) return e;
  if (!o.master.empty()) {
    const size_t colon = o.master.rfind(':');
    check(colon != std::string::npos && colon > 0, ErrorCode::INVALID_ARGUMENT,
          "--master: expected HOST:PORT, got \"", o.master, "\"");
    e.host = o.master.substr(0, colon);
    const std::string port = o.master.substr(colon + 1);
    char* end = nullptr;
    e.port = static_cast<int>(std::strtol(port.c_str(), &end, 10));
    check(!port.empty() && *end == '\0', ErrorCode::INVALID_ARGUMENT,
          "--master: expected HOST:PORT, got \"", o.master, "\"");
  } else {
    e.host = env_str("MASTER_ADDR");
    e.port = env_int("MASTER_PORT", 29500);  // torchrun's default port
    check(!e.host.empty(), ErrorCode::INVALID_ARGUMENT, "a run of ", e.world_size,
          " ranks needs --master HOST:PORT or MASTER_ADDR (rank 0's address)");
  }
  check(e.port > 0 && e.port < 65536, ErrorCode::INVALID_ARGUMENT,
        "--master / MASTER_PORT: port must be in [1, 65535], got ", e.port);
  return e;
}

int threads_per_rank(int requested, const DistEnv& env) {
  if (requested > 0 || env.local_world_size <= 1) return requested;
  return std::max(1, default_num_threads() / env.local_world_size);
}

}  // namespace bertq::train
