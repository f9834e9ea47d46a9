// check_blas (see torch_runtime.h): one 64x64 matmul, then a scan of /proc/self/maps.
#include "train/torch_runtime.h"

#include <torch/torch.h>

#include <fstream>
#include <string>

#include "core/log.h"

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

}  // namespace bertq::train
