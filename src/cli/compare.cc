// `bertq compare --fp32 DIR --int8 DIR --data DATA [--out DIR]`: evaluates both models on the
// same reviews, measures agreement, benchmarks them in one interleaved run and writes
// compare.md, compare.json and the SVG charts (eval/compare.h). Prints the Markdown report,
// or one JSON document with --json. Tokenization: an option wins, else the FP32 model's
// config.json "bertq" block (its training recipe), else 512 / head / 128.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/engine_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "eval/compare.h"

namespace bertq::cli {
namespace {

struct CompareArgs {
  std::string fp32, int8, data, out, long_text = "truncate";
  std::string fp32_name = "FP32", int8_name = "INT8";
  std::vector<int> seq_lens{128, 256, 512}, batch_sizes{1, 8};
  size_t limit = 2000, bench_reviews = 200;
  uint64_t seed = 0;
  TokenizationFlags tokenization;
  EngineFlags engine;
  int stride = 128, batch_size = 8, runs = 5, max_runs = 20;
  int passes = 2;
  double budget = 2.0;
  bool json = false;
};

std::string join(const std::vector<int>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

void run_compare_cmd(const CompareArgs& a) {
  install_interrupt_handlers();
  eval::CompareOptions o;
  o.fp32_dir = a.fp32;
  o.int8_dir = a.int8;
  o.fp32_name = a.fp32_name;
  o.int8_name = a.int8_name;
  o.data = a.data;
  o.limit = a.limit;
  o.seed = a.seed;
  const engine::TokenizationSettings ts =
      engine::resolve_tokenization(a.fp32, a.tokenization.given());
  o.eval.recipe = ts.recipe;
  o.eval.long_text = eval::parse_long_text(a.long_text);
  o.eval.stride = a.stride;
  o.eval.batch_size = a.batch_size;
  o.bench.seq_lens = a.seq_lens;
  o.bench.batch_sizes = a.batch_sizes;
  o.bench.latency = {2, a.runs, a.max_runs, a.budget};
  o.bench.throughput = {1, a.passes, a.passes, 0.0};
  o.bench.engine = a.engine.options();
  o.bench_reviews = a.bench_reviews;
  o.command = cat("bertq compare --fp32 ", a.fp32, " --int8 ", a.int8, " --data ", a.data,
                  " --limit ", a.limit, " --max-length ", ts.recipe.max_length, " --truncation ",
                  text::truncation_name(ts.recipe.truncation),
                  ts.recipe.truncation == text::Truncation::HEAD_TAIL
                      ? cat(" --head-tokens ", ts.recipe.head_tokens)
                      : std::string(),
                  " --long-text ", a.long_text,
                  a.long_text == "window" ? cat(" --stride ", a.stride) : std::string(),
                  " --seq-len ", join(a.seq_lens), " --batch-size ", join(a.batch_sizes),
                  " --bench-reviews ", a.bench_reviews, " --threads ", a.engine.threads,
                  a.out.empty() ? std::string() : " --out " + a.out);
  const eval::CompareReport r = eval::run_compare(o);
  std::vector<std::string> written;
  if (!a.out.empty()) written = eval::write_compare_report(r, a.out);
  if (a.json) {
    std::printf("%s\n", r.to_json().dump(2).c_str());
  } else {
    std::printf("%s", r.to_markdown().c_str());
    for (const auto& p : written) std::printf("wrote %s\n", p.c_str());
  }
}

Command reg("compare", 61, [](CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* cmd =
      app.add_subcommand("compare", "FP32 vs INT8: accuracy, agreement, speed, memory, plots");
  add_model_option(cmd, "--fp32", a->fp32, "FP32 model")->required()->group("Models");
  add_model_option(cmd, "--int8", a->int8, "INT8 model")->required()->group("Models");
  cmd->add_option("--fp32-name", a->fp32_name, "Name of the first model in the report")
      ->group("Models");
  cmd->add_option("--int8-name", a->int8_name, "Name of the second model in the report")
      ->group("Models");
  a->engine.add(cmd, "Models", /*with_compute=*/false);  // FP32 against INT8, as stored
  cmd->add_option("--data", a->data, "Dataset spec, e.g. imdb:test")->required()->group("Data");
  cmd->add_option("--limit", a->limit, "Examples evaluated (stratified; 0 = all)")
      ->capture_default_str()
      ->group("Data");
  cmd->add_option("--seed", a->seed, "Seed of the subset")->group("Data");
  a->tokenization.add(cmd, "Long texts");
  cmd->add_option("--long-text", a->long_text, "truncate or window")
      ->capture_default_str()
      ->group("Long texts");
  cmd->add_option("--stride", a->stride, "window overlap in tokens")->group("Long texts");
  cmd->add_option("--eval-batch-size", a->batch_size, "Batch size of the evaluation")
      ->group("Long texts");
  cmd->add_option("--seq-len", a->seq_lens, "Synthetic lengths for latency / throughput")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Benchmark");
  cmd->add_option("--batch-size", a->batch_sizes, "Benchmark batch sizes")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Benchmark");
  cmd->add_option("--bench-reviews", a->bench_reviews, "Reviews for real-length workloads")
      ->capture_default_str()
      ->group("Benchmark");
  cmd->add_option("--runs", a->runs, "Timed rounds at least")->group("Benchmark");
  cmd->add_option("--max-runs", a->max_runs, "Timed rounds at most")->group("Benchmark");
  cmd->add_option("--budget", a->budget, "Seconds per model and workload")->group("Benchmark");
  cmd->add_option("--passes", a->passes, "Timed passes per throughput mode")->group("Benchmark");
  cmd->add_option("--out", a->out, "Folder for compare.md, compare.json and the SVG plots")
      ->group("Output");
  cmd->add_flag("--json", a->json, "Print one JSON document with every figure")->group("Output");
  cmd->callback([a] { run_compare_cmd(*a); });
});

}  // namespace
}  // namespace bertq::cli
