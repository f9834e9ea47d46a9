// libtorch process setup shared by the trainer and the masked-LM pre-trainer (internal header).
//
// check_blas(): libtorch's BLAS must be the OpenMP build of OpenBLAS; the pthread build's own
// thread pool fights libtorch's OpenMP pool and fp32 matmuls run 4-5x slower. After a first
// matmul, /proc/self/maps tells which one was loaded; a warning names the fix.
//
// training_device(spec): where the model and batches live. "auto" = the first CUDA GPU when
// this libtorch was built with CUDA and one is visible, else the CPU; "cpu"; "cuda" / "cuda:N"
// (UNSUPPORTED, with the reason, when CUDA is not available). Debian's libtorch is CPU-only;
// README "Training on a GPU" says how to build against a CUDA libtorch.
//
//   at::set_num_threads(2);  train::check_blas();
//   const c10::Device dev = train::training_device("auto");
#pragma once

#include <c10/core/Device.h>

#include <string>

namespace bertq::train {

void check_blas();
c10::Device training_device(const std::string& spec);

// What every training run does first: libtorch's intra-op threads (threads <= 0: all cores),
// check_blas(), the device from `device`, and the SIGINT / SIGTERM handlers that end the run
// with a checkpoint (core/interrupt.h).
struct TorchRun {
  int threads;
  c10::Device device;
};
TorchRun start_torch_run(int threads, const std::string& device);

}  // namespace bertq::train
