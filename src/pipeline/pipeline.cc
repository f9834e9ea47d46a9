// The pipeline's orchestration (see pipeline.h): each stage's inputs = its options + the
// fingerprints of the upstream outputs it reads; a stage whose done-marker matches is skipped,
// any other runs and then writes its marker. Errors get the stage's name in front.
#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "pipeline/report.h"
#include "pipeline/stages.h"

namespace fs = std::filesystem;

namespace bertq::pipeline {

const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names = {"data",      "train", "eval_fp32", "quantize",
                                                 "eval_int8", "bench", "report"};
  return names;
}

const StageOutcome* PipelineResult::find(const std::string& stage) const {
  for (const auto& s : stages)
    if (s.stage == stage) return &s;
  return nullptr;
}

namespace {

// The train stage's inputs. The loop settings that `bertq pipeline` exposed later (the shared
// loop flags) appear only when set, so the markers of earlier runs still match.
nlohmann::json train_inputs(const PipelineOptions& o) {
  const auto& t = o.train;
  nlohmann::json j = {{"epochs", t.epochs},
                      {"lr", t.lr},
                      {"batch_size", t.batch_size},
                      {"grad_accum", t.grad_accum},
                      {"max_length", t.recipe.max_length},
                      {"truncation", std::string(text::truncation_name(t.recipe.truncation))},
                      {"head_tokens", t.recipe.head_tokens},
                      {"warmup_ratio", t.warmup_ratio},
                      {"weight_decay", t.weight_decay},
                      {"validation_split", t.validation_split},
                      {"dropout", t.dropout ? nlohmann::json(*t.dropout) : nlohmann::json()},
                      {"bf16", t.bf16},
                      {"seed", o.seed},
                      {"eval_every", t.eval_every},
                      {"save_every", t.save_every}};
  const PipelineTrainOptions d;
  if (t.max_steps != d.max_steps) j["max_steps"] = t.max_steps;
  if (t.max_grad_norm != d.max_grad_norm) j["max_grad_norm"] = t.max_grad_norm;
  if (t.max_minutes != d.max_minutes) j["max_minutes"] = t.max_minutes;
  if (t.early_stopping != d.early_stopping) j["early_stopping"] = t.early_stopping;
  if (t.metric != d.metric) j["metric"] = t.metric;
  return j;
}

// Stage "report": the summary of every stage's result -> report files and the final table.
StageWork run_report_stage(const RunContext& ctx, const std::vector<StageOutcome>& done) {
  auto result_of = [&](const std::string& s) -> const nlohmann::json& {
    for (const auto& d : done)
      if (d.stage == s) return d.result;
    throw Error(ErrorCode::INTERNAL, cat("report: stage ", s, " has no result"));
  };
  auto model_entry = [&](const std::string& name, const std::string& stage,
                         const std::string& rel) {
    const auto& r = result_of(stage);
    nlohmann::json m = {{"name", name},
                        {"dir", ctx.path(rel)},
                        {"accuracy", r.value("accuracy", 0.0)},
                        {"macro_f1", r.value("macro_f1", 0.0)},
                        {"mean_loss", r.value("mean_loss", 0.0)},
                        {"examples", r.value("examples", 0)},
                        {"tokenization", r.value("tokenization", nlohmann::json())},
                        {"eval_markdown", r.value("markdown", "")}};
    const std::string st = ctx.path(rel + "/model.safetensors");
    m["bytes"] = file_exists(st) ? static_cast<double>(fs::file_size(st)) : 0.0;
    if (r.contains("agreement")) m["agreement"] = r["agreement"];
    if (r.contains("disagreements")) m["disagreements"] = r["disagreements"];
    return m;
  };
  nlohmann::json summary = {{"model", ctx.options.model},
                            {"data", ctx.options.data},
                            {"run_dir", ctx.store.run_dir()},
                            {"models",
                             {model_entry("FP32", "eval_fp32", "model-fp32"),
                              model_entry("INT8", "eval_int8", "model-int8")}},
                            {"bench", result_of("bench")},
                            {"train", result_of("train")},
                            {"data_summary", result_of("data")}};
  summary["bench_markdown"] = summary["bench"].value("markdown", "");
  summary["bench"].erase("markdown");
  StageWork w;
  w.outputs = write_report(ctx.store.run_dir(), summary);
  w.result = {{"summary", summary}, {"table", final_table(summary)}};
  return w;
}

}  // namespace

PipelineResult run_pipeline(const PipelineOptions& o,
                            const std::function<void(const StageOutcome&)>& on_stage) {
  check(!o.out.empty(), ErrorCode::INVALID_ARGUMENT, "pipeline: --out is required");
  const auto& names = stage_names();
  check(o.stop_after.empty() || std::find(names.begin(), names.end(), o.stop_after) != names.end(),
        ErrorCode::INVALID_ARGUMENT, "pipeline: --stop-after ", o.stop_after,
        ": not a stage (data, train, eval_fp32, "
        "quantize, eval_int8, bench, report)");
  make_dirs(o.out);
  RunContext ctx{o, StageStore(fs::absolute(o.out).lexically_normal().string())};
  PipelineResult res;
  res.run_dir = ctx.store.run_dir();
  nlohmann::json upstream = nlohmann::json::object();  // stage -> its marker's outputs

  // Evaluation and bench read the tokenization from the trained model's config.json (an
  // output of train, fingerprinted in their inputs); these are its fallbacks.
  const text::TokenizationRecipe& recipe = o.train.recipe;
  const nlohmann::json eval_opts = {
      {"max_length", recipe.max_length},
      {"truncation", std::string(text::truncation_name(recipe.truncation))},
      {"head_tokens", recipe.head_tokens},
      {"batch_size", o.eval_batch_size}};
  for (const std::string& name : names) {
    nlohmann::json inputs;
    if (name == "data") {
      inputs = {{"model", o.model},
                {"data", o.data},
                {"train_limit", o.train_limit},
                {"test_limit", o.test_limit},
                {"seed", o.seed}};
      // Local folders and files are fingerprinted, so changing them reruns everything.
      std::error_code ec;
      if (fs::exists(o.model, ec)) inputs["model_files"] = fingerprint(o.model);
      if (fs::exists(o.data, ec)) inputs["data_files"] = fingerprint(o.data);
    } else if (name == "train") {
      inputs = {{"options", train_inputs(o)}, {"data", upstream["data"]}};
    } else if (name == "eval_fp32") {
      inputs = {{"options", eval_opts}, {"data", upstream["data"]}, {"model", upstream["train"]}};
    } else if (name == "quantize") {
      inputs = {{"scheme", o.quant.scheme},
                {"calibration_size", o.quant.calibration_size},
                {"model", upstream["train"]},
                {"data", upstream["data"]}};
    } else if (name == "eval_int8") {
      inputs = {
          {"options", eval_opts}, {"model", upstream["quantize"]}, {"fp32", upstream["eval_fp32"]}};
    } else if (name == "bench") {
      inputs = {{"texts", o.bench.texts},      {"batch_sizes", o.bench.batch_sizes},
                {"repeats", o.bench.repeats},  {"threads", o.bench.threads},
                {"tokenization", eval_opts},   {"fp32", upstream["train"]},
                {"int8", upstream["quantize"]}};
    } else {
      inputs = {{"eval_fp32", upstream["eval_fp32"]},
                {"eval_int8", upstream["eval_int8"]},
                {"bench", upstream["bench"]}};
    }

    StageOutcome out;
    out.stage = name;
    std::string why;
    if (auto done = ctx.store.completed(name, inputs, &why)) {
      out.skipped = true;
      out.wall_s = done->value("wall_s", 0.0);
      out.result = (*done)["result"];
      upstream[name] = (*done)["outputs"];
      log_info(cat("stage ", name, ": complete, skipped"));
      if (on_stage) on_stage(out);
    } else {
      log_info(cat("stage ", name, ": running (", why, ")"));
      if (on_stage) on_stage(out);
      ctx.store.invalidate(name);
      const auto t0 = std::chrono::steady_clock::now();
      StageWork w;
      try {
        throw_if_interrupted(("stage " + name).c_str());
        if (name == "data")
          w = run_data_stage(ctx);
        else if (name == "train")
          w = run_train_stage(ctx, inputs);
        else if (name == "eval_fp32")
          w = run_eval_stage(ctx, "model-fp32", "fp32");
        else if (name == "quantize")
          w = run_quantize_stage(ctx);
        else if (name == "eval_int8")
          w = run_eval_stage(ctx, "model-int8", "int8");
        else if (name == "bench")
          w = run_bench_stage(ctx);
        else
          w = run_report_stage(ctx, res.stages);
      } catch (const Error& e) {
        rethrow_with_context(e, "stage " + name);
      } catch (const fs::filesystem_error& e) {
        throw Error(ErrorCode::IO, cat("stage ", name, ": ", e.what()));
      }
      out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.result = w.result;
      const auto marker = ctx.store.mark_done(name, inputs, w.outputs, w.result, out.wall_s);
      upstream[name] = marker["outputs"];
      log_info(cat("stage ", name, ": done in ", format_duration(out.wall_s)));
    }
    res.stages.push_back(out);
    if (name == "report") res.table = out.result.value("table", "");
    if (name == o.stop_after && name != names.back()) {
      res.stopped_early = true;
      break;
    }
  }
  return res;
}

}  // namespace bertq::pipeline
