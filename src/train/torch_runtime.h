// libtorch process setup shared by the trainer and the masked-LM pre-trainer (internal header).
//
// check_blas(): libtorch's BLAS must be the OpenMP build of OpenBLAS; the pthread build's own
// thread pool fights libtorch's OpenMP pool and fp32 matmuls run 4-5x slower. After a first
// matmul, /proc/self/maps tells which one was loaded; a warning names the fix.
//
//   at::set_num_threads(2);  train::check_blas();
#pragma once

namespace bertq::train {

void check_blas();

}  // namespace bertq::train
