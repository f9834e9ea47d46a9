// Stages "eval_fp32", "quantize", "eval_int8", "bench", through the eval library (the code
// behind `bertq eval` and `bertq bench`):
//   eval_*:   eval::evaluate(RUN/MODEL on RUN/data/test.jsonl) -> RUN/eval/NAME.json
//             (EvalResult::to_json + "tokenization" + "predicted_ids") and
//             RUN/eval/NAME.predictions.jsonl; eval_int8 adds the agreement of its
//             predictions with FP32's.
//   quantize: RUN/model-fp32 -> RUN/model-int8 through the INT8 quantizer library.
//   bench:    benchmark::run_bench(FP32, INT8) on the first N test texts -> RUN/bench.json,
//             RUN/bench.md, RUN/plots/latency.svg.
// Tokenization: the model's config.json "bertq" block (the trainer's recipe), else the
// pipeline's training options.
#include <algorithm>
#include <chrono>

#include "benchmark/bench.h"
#include "core/error.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "engine/classifier.h"
#include "eval/compare.h"
#include "eval/evaluator.h"
#include "pipeline/stages.h"
#include "quant/quantize_job.h"

namespace bertq::pipeline {
namespace {

engine::TokenizationSettings run_tokenization(const RunContext& ctx, const io::BertConfig& config) {
  const PipelineTrainOptions& t = ctx.options.train;
  text::TokenizationRecipe fallback = t.recipe;
  // As the trainer resolves it (0: a quarter of the content budget; [CLS] + [SEP] = 2).
  fallback.head_tokens = fallback.head_tokens_for(fallback.max_length - 2);
  return engine::resolve_tokenization(config, {}, fallback);
}

}  // namespace

std::vector<int> load_predicted_ids(const std::string& path) {
  const nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, false);
  check(!j.is_discarded() && j.is_object() && j.contains("predicted_ids") &&
            j["predicted_ids"].is_array(),
        ErrorCode::CORRUPT_FILE, path, ": not an evaluation file (no predicted_ids)");
  return j["predicted_ids"].get<std::vector<int>>();
}

StageWork run_eval_stage(const RunContext& ctx, const std::string& model_rel,
                         const std::string& name) {
  const PipelineOptions& o = ctx.options;
  engine::EngineOptions eo;
  eo.threads = o.threads;
  const engine::Classifier clf(ctx.path(model_rel), eo);
  const data::Dataset test = data::load_dataset(ctx.path("data/test.jsonl"));
  const engine::TokenizationSettings ts = run_tokenization(ctx, clf.config());
  eval::EvalOptions opts;
  opts.recipe = ts.recipe;
  opts.batch_size = o.eval_batch_size;
  opts.progress = o.progress;
  const auto t0 = std::chrono::steady_clock::now();
  const eval::EvalResult r = eval::evaluate(clf, test, opts);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::json result = r.metrics.to_json();
  result["wall_s"] = wall_s;
  result["model_dir"] = ctx.path(model_rel);
  result["tokenization"] = ts.to_json();
  result["markdown"] = r.to_markdown();
  const std::vector<int> ids = r.predicted_ids();
  if (name != "fp32") {
    const std::vector<int> ref = load_predicted_ids(ctx.path("eval/fp32.json"));
    check(ref.size() == ids.size(), ErrorCode::CORRUPT_FILE, ctx.path("eval/fp32.json"), ": ",
          ref.size(), " predictions, expected ", ids.size());
    result["agreement"] = eval::agreement(ids, ref);
    int64_t differ = 0;
    for (size_t i = 0; i < ids.size(); ++i) differ += ids[i] != ref[i];
    result["disagreements"] = differ;
  }
  make_dirs(ctx.path("eval"));
  nlohmann::json doc = r.to_json();
  doc["model_dir"] = ctx.path(model_rel);
  doc["tokenization"] = ts.to_json();
  doc["wall_s"] = wall_s;
  doc["predicted_ids"] = ids;
  const std::string out = ctx.path("eval/" + name + ".json");
  const std::string preds = ctx.path("eval/" + name + ".predictions.jsonl");
  write_file_atomic(out, doc.dump(2) + "\n");
  eval::write_predictions_jsonl(preds, r);
  return {{out, preds}, result};
}

StageWork run_quantize_stage(const RunContext& ctx) {
  const PipelineOptions& o = ctx.options;
  quant::QuantizeJob job;
  job.model = ctx.path("model-fp32");
  job.out = ctx.path("model-int8");  // written atomically by the job
  job.options.scheme = quant::parse_scheme(o.quant.scheme);
  job.calibration = ctx.path("data/train.jsonl");
  job.calibration_samples = o.quant.calibration_size;
  job.seed = o.seed;
  job.tokenization.max_length = o.train.recipe.max_length;
  job.force = true;
  nlohmann::json report = quant::run_quantize_job(job, [](const std::string&) {});
  return {{ctx.path("model-int8")}, {{"quantize_report", report}}};
}

StageWork run_bench_stage(const RunContext& ctx) {
  const PipelineOptions& o = ctx.options;
  const PipelineBenchOptions& b = o.bench;
  check(b.repeats > 0, ErrorCode::INVALID_ARGUMENT, "bench: repeats ", b.repeats,
        " must be positive");
  benchmark::BenchOptions bo;
  const data::Dataset test = data::load_dataset(ctx.path("data/test.jsonl"));
  for (const auto& ex : test.examples) {
    if (bo.texts.size() >= b.texts) break;
    bo.texts.push_back(ex.text);
  }
  bo.batch_sizes = b.batch_sizes;
  bo.recipe =
      run_tokenization(ctx, io::BertConfig::load(ctx.path("model-fp32/config.json"))).recipe;
  // Latency: at least `repeats` batches per model and workload, more while under half a
  // second; throughput: `repeats` passes over all the texts.
  bo.latency = {1, b.repeats, std::max(b.repeats, 20), 0.5};
  bo.throughput = {1, b.repeats, b.repeats, 0.0};
  bo.engine.threads = b.threads;
  bo.progress = o.progress;
  const benchmark::BenchReport r = benchmark::run_bench(
      {{"FP32", ctx.path("model-fp32")}, {"INT8", ctx.path("model-int8")}}, bo);
  const nlohmann::json j = r.to_json();
  const std::string md = r.to_markdown();
  make_dirs(ctx.path("plots"));
  write_file_atomic(ctx.path("bench.json"), j.dump(2) + "\n");
  write_file_atomic(ctx.path("bench.md"), md);
  write_file_atomic(ctx.path("plots/latency.svg"), eval::latency_svg(r));
  nlohmann::json result = j;
  result["markdown"] = md;
  return {{ctx.path("bench.json"), ctx.path("bench.md"), ctx.path("plots/latency.svg")}, result};
}

}  // namespace bertq::pipeline
