// Parsing and naming of the engine's compute types.
#include "engine/engine_options.h"

#include "core/error.h"

namespace bertq::engine {

Compute parse_compute(std::string_view name) {
  if (name == "fp32") return Compute::FP32;
  if (name == "bf16") return Compute::BF16;
  throw Error(ErrorCode::INVALID_ARGUMENT, cat("compute type '", name, "': expected fp32 or bf16"));
}

std::string_view compute_name(Compute c) {
  return c == Compute::BF16 ? "bf16" : "fp32";
}

}  // namespace bertq::engine
