// The engine flags of every command that runs a model (predict, eval, serve, compare, bench):
// --threads and --compute, with one help text each, parsed into engine::EngineOptions. The
// tokenization flags are tokenization_flags.h's.
//
//   auto engine = std::make_shared<EngineFlags>();
//   engine->add(cmd, "Model");                      // --threads, --compute
//   ... in the callback:  engine::Classifier clf(dir, engine->options());
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "engine/engine_options.h"

namespace bertq::cli {

struct EngineFlags {
  int threads = 0;
  std::string compute = "fp32";

  // with_compute = false for commands whose models are all INT8 or whose compute is fixed.
  void add(CLI::App* cmd, const std::string& group, bool with_compute = true) {
    cmd->add_option("--threads", threads,
                    "Threads per model call (0 = BERTQ_THREADS, else the CPUs this process may "
                    "use: bertq info)")
        ->capture_default_str()
        ->group(group);
    if (with_compute) {
      cmd->add_option("--compute", compute,
                      "FP32 models: fp32, or bf16 (needs AVX512_BF16 or AMX; INT8 folders run "
                      "INT8 either way)")
          ->capture_default_str()
          ->group(group);
    }
  }

  // INVALID_ARGUMENT naming --compute for an unknown value.
  engine::EngineOptions options() const {
    engine::EngineOptions o;
    o.threads = threads;
    o.compute = engine::parse_compute(compute);
    return o;
  }
};

}  // namespace bertq::cli
