// Internal: the run context and one function per pipeline stage (pipeline.cc runs them in
// order through the StageStore). Each stage function returns the files / folders it wrote and
// its result JSON; it throws on failure and must not leave a half-written output under a final
// name (folders are written as NAME.tmp and renamed).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "pipeline/pipeline.h"
#include "pipeline/stage_store.h"

namespace bertq::pipeline {

struct RunContext {
  const PipelineOptions& options;
  StageStore store;
  std::string path(const std::string& rel) const { return store.run_dir() + "/" + rel; }
};

struct StageWork {
  std::vector<std::string> outputs;
  nlohmann::json result = nlohmann::json::object();
};

StageWork run_data_stage(const RunContext& ctx);
StageWork run_train_stage(const RunContext& ctx, const nlohmann::json& inputs);
StageWork run_eval_stage(const RunContext& ctx, const std::string& model_rel,
                         const std::string& name);
StageWork run_quantize_stage(const RunContext& ctx);
StageWork run_bench_stage(const RunContext& ctx);

// Replaces folder `dst` by a copy of `src` (copied to dst.tmp, then renamed).
void replace_folder_with_copy(const std::string& src, const std::string& dst);

}  // namespace bertq::pipeline
