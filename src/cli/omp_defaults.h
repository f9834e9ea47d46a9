// The OpenMP wait setting of the bertq executable: omp_defaults.cc gives libgomp bertq's default
// spin count (re-executing bertq before main() when the user set none).
#pragma once

#include <string>

namespace bertq::cli {

// "GOMP_SPINCOUNT=1000 (bertq's default)", "OMP_WAIT_POLICY=PASSIVE (from the environment)", ...
std::string omp_wait_setting();

// Removes bertq's default from the environment (not a user's setting): the trainer, run from
// bertq, keeps libtorch's own OpenMP behaviour.
void drop_omp_default();

}  // namespace bertq::cli
