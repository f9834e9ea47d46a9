// `bertq bench --model DIR [--model DIR2 ...]`: every model measured with the same
// interleaved protocol in one run (benchmark/bench.h): latency per batch (median / p90 / p99) on
// synthetic lengths (--seq-len) and real reviews (--data), tokenizer time apart, throughput
// bucketed vs padded, size on disk, load time, memory, ISA and threads. Markdown tables on
// stdout, or one JSON document with --json; --out FILE.json also writes the JSON atomically.
// Real reviews are tokenized as an option says, else as the first model's config.json "bertq"
// block (its training recipe), else 512 / head / 128.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/bench.h"
#include "cli/command.h"
#include "cli/engine_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "data/dataset.h"

namespace bertq::cli {
namespace {

struct BenchArgs {
  std::vector<std::string> models, names, paddings{"bucketed", "pad-batch", "pad-max"};
  std::vector<int> seq_lens, batch_sizes{1, 8};
  std::string data, out;
  EngineFlags engine;
  TokenizationFlags tokenization;
  size_t limit = 200;
  int warmup = 2, runs = 5, max_runs = 30, passes = 3;
  double budget = 2.0;
  bool json = false;
};

void run_bench_cmd(const BenchArgs& a) {
  install_interrupt_handlers();
  check(a.names.empty() || a.names.size() == a.models.size(), ErrorCode::INVALID_ARGUMENT,
        "bench: ", a.names.size(), " --name for ", a.models.size(), " --model");
  benchmark::BenchOptions o;
  o.seq_lens = a.seq_lens;
  if (o.seq_lens.empty() && a.data.empty()) o.seq_lens = {128};
  o.batch_sizes = a.batch_sizes;
  if (!a.models.empty()) {
    o.recipe = engine::resolve_tokenization(a.models[0], a.tokenization.given()).recipe;
  }
  o.paddings.clear();
  for (const auto& p : a.paddings) o.paddings.push_back(benchmark::parse_padding(p));
  o.latency = {a.warmup, a.runs, a.max_runs, a.budget};
  o.throughput = {1, a.passes, a.passes, 0.0};
  o.engine = a.engine.options();
  if (!a.data.empty()) {
    for (auto& ex : data::load_dataset(a.data, {}, a.limit, 0).examples) o.texts.push_back(ex.text);
  }
  std::vector<benchmark::BenchModelSpec> specs;
  for (size_t i = 0; i < a.models.size(); ++i) {
    specs.push_back({a.names.empty() ? std::string() : a.names[i], a.models[i]});
  }
  const benchmark::BenchReport r = benchmark::run_bench(specs, o);
  const nlohmann::json j = r.to_json();
  if (!a.out.empty()) write_file_atomic(a.out, j.dump(2) + "\n");
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s", r.to_markdown().c_str());
  }
}

Command reg("bench", 60, [](CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Benchmark models side by side (interleaved, same run)");
  add_model_option(cmd, "--model", a->models, "Model (repeat to compare)")
      ->required()
      ->group("Models");
  cmd->add_option("--name", a->names, "Name per --model (default: folder name)")->group("Models");
  a->engine.add(cmd, "Models");
  cmd->add_option("--seq-len", a->seq_lens, "Synthetic sequence lengths, e.g. 128,256,512")
      ->delimiter(',')
      ->group("Workloads");
  cmd->add_option("--batch-size", a->batch_sizes, "Batch sizes, e.g. 1,8,32")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Workloads");
  cmd->add_option("--data", a->data, "Real reviews (dataset spec) for real-length workloads")
      ->group("Workloads");
  cmd->add_option("--limit", a->limit, "Reviews taken from --data (stratified)")
      ->capture_default_str()
      ->group("Workloads");
  a->tokenization.add(cmd, "Workloads");
  cmd->add_option("--padding", a->paddings, "Throughput passes: bucketed,pad-batch,pad-max")
      ->delimiter(',')
      ->group("Workloads");
  cmd->add_option("--warmup", a->warmup, "Untimed rounds per workload")
      ->capture_default_str()
      ->group("Protocol");
  cmd->add_option("--runs", a->runs, "Timed rounds at least")
      ->capture_default_str()
      ->group("Protocol");
  cmd->add_option("--max-runs", a->max_runs, "Timed rounds at most")
      ->capture_default_str()
      ->group("Protocol");
  cmd->add_option("--budget", a->budget, "Seconds per model and workload before stopping")
      ->capture_default_str()
      ->group("Protocol");
  cmd->add_option("--passes", a->passes, "Timed passes over the reviews per throughput mode")
      ->capture_default_str()
      ->group("Protocol");
  cmd->add_flag("--json", a->json, "Print one JSON document with every figure")->group("Output");
  cmd->add_option("--out", a->out, "Also write the JSON report to this file")->group("Output");
  cmd->callback([a] { run_bench_cmd(*a); });
});

}  // namespace
}  // namespace bertq::cli
