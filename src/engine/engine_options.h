// Options of the inference engine: compute type and thread count.
//
// Shape legend for src/engine (shared with src/kernels): B batch, T tokens (all sequences of a
// batch packed together), L one sequence's length, H hidden, NH heads, HS head size (H / NH),
// I intermediate, V vocab, NL labels; M/N/K for GEMM. Weights are stored [out, in] like
// PyTorch Linear, so y = x·Wᵀ + b. Activations are row-major [T, H]: sequences concatenated,
// no padding.
//
//   bertq::engine::EngineOptions o;
//   o.compute = bertq::engine::parse_compute("bf16");  o.threads = 2;
#pragma once

#include <optional>
#include <string_view>

#include "core/cpu_features.h"

namespace bertq::engine {

// FP32: everything in f32. BF16: the Linear layers take bf16 activations and weights with f32
// accumulation (oneDNN; needs AVX512_BF16 or oneDNN's AVX-512 emulation, else UNSUPPORTED);
// embeddings, LayerNorm, softmax, attention products and GELU stay f32.
enum class Compute { FP32, BF16 };

// "fp32" / "bf16"; INVALID_ARGUMENT otherwise.
Compute parse_compute(std::string_view name);
std::string_view compute_name(Compute c);

struct EngineOptions {
  Compute compute = Compute::FP32;
  int threads = 0;  // OpenMP threads per call; 0 = default_num_threads() (core/cpu_budget.h)
  // Kernel tier; unset = active_isa() (BERTQ_FORCE_ISA). Tests use it to run every tier.
  std::optional<Isa> isa;
};

}  // namespace bertq::engine
