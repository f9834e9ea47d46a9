// Build-time fallback used only while src/engine is absent from the tree: the server module
// and its tests build, and `bertq serve` says clearly that this build has no inference engine.
#include "core/error.h"
#include "server/backend.h"

namespace bertq::server {

std::unique_ptr<Backend> make_classifier_backend(const std::string& model_dir, int threads,
                                                 int head_tokens) {
  throw Error(
      ErrorCode::UNSUPPORTED,
      cat("model ", model_dir, ": this build of bertq has no inference engine (src/engine)"));
}

}  // namespace bertq::server
