// The process-wide oneDNN CPU engine and one stream per calling thread, shared by every oneDNN
// wrapper in this folder (one engine, so primitives and memories of all wrappers agree).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace bertq::kernels::onednn {

const dnnl::engine& cpu_engine();
// One stream per calling thread (the engine is shared).
dnnl::stream& thread_stream();

}  // namespace bertq::kernels::onednn
