// Where this process stands among the ranks of a data-parallel run (no libtorch): torchrun's
// environment (WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), which
// the flags --world-size, --rank and --master HOST:PORT override, so the same command runs
// under torchrun-like launchers, SLURM or Kubernetes, and `bertq train --nproc N` sets them for
// the N local ranks it starts (cli/train/launch_ranks.h). World size 1 (no variable, no flag)
// is the single-process run.
//
//   const train::DistEnv env = train::dist_env(o);      // o: LoopOptions
//   if (env.world_size > 1) ... rank env.rank of env.world_size, store at env.host:env.port
#pragma once

#include <string>

#include "train/loop_options.h"

namespace bertq::train {

struct DistEnv {
  int world_size = 1, rank = 0;
  int local_world_size = 1, local_rank = 0;  // the ranks on this machine (threads share cores)
  std::string host;                          // rank 0's rendezvous store (TCPStore)
  int port = 0;
};

// INVALID_ARGUMENT naming the flag or variable when the values do not fit together.
DistEnv dist_env(const LoopOptions& o);

// libtorch threads of one rank: `requested` when > 0 or alone on its machine (0 = all cores),
// else the cores / local ranks (>= 1).
int threads_per_rank(int requested, const DistEnv& env);

}  // namespace bertq::train
