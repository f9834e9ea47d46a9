// Stages "eval_fp32", "quantize", "eval_int8", "bench".
//   eval_*:   evaluate_model(RUN/MODEL, RUN/data/test.jsonl) -> RUN/eval/NAME.json; eval_int8
//             adds the agreement of its predictions with FP32's.
//   quantize: RUN/model-fp32 -> RUN/model-int8 through the INT8 quantizer library.
//   bench:    bench_models(FP32, INT8) on the first N test texts -> RUN/bench.json.
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "pipeline/bench.h"
#include "pipeline/evaluate.h"
#include "pipeline/stages.h"
#ifdef BERTQ_HAVE_QUANT
#include "quant/quantize_job.h"
#endif

namespace bertq::pipeline {

StageWork run_eval_stage(const RunContext& ctx, const std::string& model_rel,
                         const std::string& name) {
  const PipelineOptions& o = ctx.options;
  EvalRunOptions eo;
  eo.max_length = o.train.max_length;
  eo.batch_size = o.eval_batch_size;
  eo.threads = o.threads;
  eo.truncation = o.train.truncation;
  EvalRun run = evaluate_model(ctx.path(model_rel), ctx.path("data/test.jsonl"), eo);
  make_dirs(ctx.path("eval"));
  const std::string out = ctx.path("eval/" + name + ".json");
  save_eval(out, run);
  nlohmann::json result = run.metrics.to_json();
  result["wall_s"] = run.wall_s;
  result["model_dir"] = ctx.path(model_rel);
  if (name != "fp32") {
    const EvalRun ref = load_eval(ctx.path("eval/fp32.json"));
    check(ref.predictions.size() == run.predictions.size(), ErrorCode::CORRUPT_FILE,
          cat(ctx.path("eval/fp32.json"), ": ", ref.predictions.size(), " predictions, expected ",
              run.predictions.size()));
    result["agreement"] = eval::agreement(run.predictions, ref.predictions);
  }
  return {{out}, result};
}

StageWork run_quantize_stage(const RunContext& ctx) {
#ifndef BERTQ_HAVE_QUANT
  (void)ctx;
  throw Error(ErrorCode::UNSUPPORTED,
              "needs the INT8 quantizer library (bertq_quant, src/quant); the completed stages "
              "are kept, rerun this command once it is built");
#else
  const PipelineOptions& o = ctx.options;
  quant::QuantizeJob job;
  job.model = ctx.path("model-fp32");
  job.out = ctx.path("model-int8.tmp");  // renamed once complete
  job.options.scheme = quant::parse_scheme(o.quant.scheme);
  job.calibration = ctx.path("data/train.jsonl");
  job.calibration_samples = o.quant.calibration_size;
  job.seed = o.seed;
  job.max_length = o.train.max_length;
  job.force = true;
  std::error_code ec;
  std::filesystem::remove_all(job.out, ec);
  nlohmann::json report = quant::run_quantize_job(job, [](const std::string&) {});
  std::filesystem::remove_all(ctx.path("model-int8"), ec);
  std::filesystem::rename(job.out, ctx.path("model-int8"));
  return {{ctx.path("model-int8")}, {{"quantize_report", report}}};
#endif
}

StageWork run_bench_stage(const RunContext& ctx) {
  const PipelineOptions& o = ctx.options;
  data::Dataset test = data::load_dataset(ctx.path("data/test.jsonl"));
  std::vector<std::string> texts;
  for (const auto& ex : test.examples) {
    if (texts.size() >= o.bench.texts) break;
    texts.push_back(ex.text);
  }
  const auto rows = bench_models({{"FP32", ctx.path("model-fp32")}, {"INT8", ctx.path("model-int8")}},
                                 texts, o.bench, o.train.max_length);
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rows) j.push_back(r.to_json());
  write_file_atomic(ctx.path("bench.json"), j.dump(2) + "\n");
  return {{ctx.path("bench.json")}, {{"rows", j}}};
}

}  // namespace bertq::pipeline
