// `bertq train --nproc N` / `bertq pretrain --nproc N`: starts N ranks of the same command on
// this machine (no libtorch). Each rank is this executable again (/proc/self/exe) with this
// process's arguments less --nproc, and torchrun's environment: WORLD_SIZE=N, RANK=LOCAL_RANK=i,
// LOCAL_WORLD_SIZE=N (threads per rank default to cores / N, rendezvous.h), MASTER_ADDR=127.0.0.1
// and a free MASTER_PORT. Waits for all; once one rank fails, the others get 30 s to report the
// lost rank themselves (process_group.h) before SIGTERM.
//
//   if (nproc > 0) return train::run_local_ranks(nproc, o);   // throws IO when a rank failed
#pragma once

#include "train/loop_options.h"

namespace bertq::train {

// INVALID_ARGUMENT when nproc < 1 or o sets --world-size / --rank / --master too; IO naming
// each rank that failed (exit status or signal).
void run_local_ranks(int nproc, const LoopOptions& o);

}  // namespace bertq::train
