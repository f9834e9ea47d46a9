// `bertq bench` as a library: loads every model (timing the engine::Classifier construction and the
// resident memory it adds), then measures all of them with the interleaved protocol
// (protocol.h) on the same workloads, in one run:
//   latency   "s128 b8": batch_size synthetic sequences of exactly seq_len tokens (ids drawn
//             with splitmix64 from a fixed seed), the same ids for every model;
//             "real b8": batch_size real reviews (truncated to max_length) in input order,
//             run r taking the (r mod chunks)-th chunk, so every model sees the same batches
//   tokenize  "tokenize": Tokenizer::encode_batch of all the reviews (shown apart from the
//             model time)
//   throughput over all the reviews, one pass per run, batch = the largest batch size:
//             "bucketed"   engine::Classifier::run_sorted: sorted by length, packed without padding
//                          (what bertq does)
//             "pad-batch"  input order, every sequence padded with [PAD] to its batch's
//                          longest: the tokens a padded engine computes (our engine has no
//                          padding mask, so pad tokens cost exactly what real ones do; the
//                          logits are not used)
//             "pad-max"    every sequence padded to max_length (fixed-shape engines)
// Figures per model and workload: median / p90 / p99 latency per run, sequences/s and tokens/s
// (= sequences or real tokens per run / median). Memory, measured before the protocol: RSS
// added by loading, the rise of VmHWM during the model's first pass of the heaviest workload
// (on a fresh thread, so with its own workspace; mapped weights are paged in here), and the
// estimated peak of a process holding only that model = RSS before any load + both.
//
//   bertq::benchmark::BenchOptions o;  o.seq_lens = {128, 256};  o.batch_sizes = {1, 8};
//   auto report = bertq::benchmark::run_bench({{"fp32", "models/imdb"}, {"int8", "models/q"}}, o);
//   std::puts(report.to_markdown().c_str());  report.to_json();
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/protocol.h"
#include "engine/engine_options.h"
#include "engine/tokenization_rule.h"
#include "text/tokenization_recipe.h"

namespace bertq::benchmark {

enum class Padding { BUCKETED, PAD_BATCH, PAD_MAX };
std::string_view padding_name(Padding p);  // "bucketed", "pad-batch", "pad-max"
Padding parse_padding(std::string_view name);

enum class WorkloadKind { SYNTHETIC, REAL, TOKENIZE, THROUGHPUT };

struct Workload {
  std::string name;  // "s128 b8", "real b8", "tokenize", "bucketed b8", ...
  WorkloadKind kind = WorkloadKind::SYNTHETIC;
  int seq_len = 0;                      // SYNTHETIC
  int batch_size = 1;                   // SYNTHETIC, REAL, THROUGHPUT
  Padding padding = Padding::BUCKETED;  // THROUGHPUT
};

struct BenchModelSpec {
  std::string name;  // empty: the folder's name
  std::string dir;
};

// The tokenization recipe of the real reviews (max_length, truncation, head_tokens) plus the
// workloads and the protocol.
struct BenchOptions {
  text::TokenizationRecipe recipe;
  std::vector<int> seq_lens;  // synthetic latency workloads (may be empty)
  std::vector<int> batch_sizes{1, 8};
  std::vector<std::string> texts;  // real reviews (may be empty)
  std::vector<Padding> paddings{Padding::BUCKETED, Padding::PAD_BATCH, Padding::PAD_MAX};
  ProtocolOptions latency{2, 5, 30, 2.0};
  ProtocolOptions throughput{1, 3, 3, 0.0};  // one pass over all reviews per run
  engine::EngineOptions engine;              // threads, compute, isa for every model
  uint64_t seed = 0;                         // synthetic ids
  bool progress = true;
};

// The workloads run_bench measures for these options, in order.
std::vector<Workload> make_workloads(const BenchOptions& options);

struct BenchModelResult {
  std::string name, dir;
  uint64_t weights_bytes = 0, folder_bytes = 0;
  double load_s = 0;
  uint64_t load_rss_bytes = 0;  // VmRSS after - before constructing the engine::Classifier
  uint64_t run_rss_bytes = 0;   // VmHWM rise during its first, solo pass of the heaviest workload
  uint64_t peak_rss_bytes = 0;  // RSS before any model + load_rss_bytes + run_rss_bytes
  int hidden = 0, layers = 0, vocab = 0;
};

struct WorkloadResult {
  Workload workload;
  double sequences_per_run = 0, tokens_per_run = 0;  // real tokens (without padding)
  double padded_tokens_per_run = 0;                  // tokens actually computed
  std::vector<LatencyStats> stats;                   // per model
  std::vector<std::vector<double>> seconds;          // per model, the timed runs
  double per_s(size_t model) const;                  // sequences per second at the median
};

struct BenchReport {
  std::vector<BenchModelResult> models;
  std::vector<WorkloadResult> workloads;
  nlohmann::json machine;  // system_info.h machine_info
  uint64_t process_peak_rss_bytes = 0;
  size_t reviews = 0;
  BenchOptions options;

  nlohmann::json to_json() const;
  std::string to_markdown() const;
  // The result of a workload by name, or null.
  const WorkloadResult* find(const std::string& name) const;
};

// INVALID_ARGUMENT when there is no model, no workload, or a batch size / length is < 1.
BenchReport run_bench(const std::vector<BenchModelSpec>& models, const BenchOptions& options);

}  // namespace bertq::benchmark
