// check_blas (see torch_runtime.h): one 64x64 matmul, then a scan of /proc/self/maps.
#include "train/torch_runtime.h"

#include <torch/torch.h>

#include <fstream>
#include <string>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/thread_pool.h"

namespace bertq::train {

void check_blas() {
  auto a = torch::ones({64, 64});
  (void)torch::matmul(a, a);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("openblas-pthread") != std::string::npos) {
      log_warn("libtorch uses the pthread build of OpenBLAS (" + line.substr(line.find('/')) +
               "); fp32 training runs several times slower. Fix: scripts/setup.sh selects "
               "libopenblas0-openmp (update-alternatives --set libblas.so.3-x86_64-linux-gnu "
               "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3), or run with "
               "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp");
      return;
    }
  }
}

c10::Device training_device(const std::string& spec) {
  if (spec == "cpu") return c10::Device(c10::kCPU);
  const bool cuda = torch::cuda::is_available();
  if (spec == "auto") return cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  check(spec == "cuda" || spec.rfind("cuda:", 0) == 0, ErrorCode::INVALID_ARGUMENT,
        "--device: expected auto, cpu, cuda or cuda:N, got \"", spec, "\"");
  check(cuda, ErrorCode::UNSUPPORTED, "--device ", spec,
        ": CUDA is not available (this libtorch was built without CUDA, ",
        "or no GPU is visible); use --device cpu, or build against a CUDA libtorch (README)");
  c10::Device d(spec);  // parses "cuda" / "cuda:N"
  const int64_t n = static_cast<int64_t>(torch::cuda::device_count());
  check(!d.has_index() || d.index() < n, ErrorCode::INVALID_ARGUMENT, "--device ", spec, ": only ",
        n, " CUDA device(s) visible");
  return d;
}

TorchRun start_torch_run(int threads, const std::string& device) {
  const int n = threads > 0 ? threads : default_num_threads();
  at::set_num_threads(n);
  check_blas();
  const c10::Device dev = training_device(device);
  install_interrupt_handlers();
  return {n, dev};
}

}  // namespace bertq::train
