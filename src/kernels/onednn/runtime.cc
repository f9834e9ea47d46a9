#include "kernels/onednn/runtime.h"

namespace bertq::kernels::onednn {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& thread_stream() {
  thread_local dnnl::stream s(cpu_engine());
  return s;
}

}  // namespace bertq::kernels::onednn
