// The benchmark protocol every model goes through in the same run, interleaved, so that a
// change in machine load hits all models alike:
//   for each workload w:
//     `warmup` rounds, then timed rounds until at least `min_runs` rounds are done and the
//     timed rounds have taken `budget_s` x models seconds, or `max_runs` rounds are done;
//     round r runs every model once, starting with model r mod M (order rotates, so no model
//     is always first after a pause).
// Each call of fn(workload, model) is timed with steady_clock; statistics are over the timed
// rounds only. Percentiles are nearest-rank: p_q = sorted[ceil(q * n) - 1].
//
//   bertq::benchmark::ProtocolOptions p;  p.warmup = 2;  p.min_runs = 5;
//   auto r = bertq::eval::run_interleaved(workloads, models, p, [&](size_t w, size_t m) { ... });
//   bertq::eval::LatencyStats s = bertq::eval::latency_stats(r.seconds[w][m]);  // s.median_ms
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace bertq {
class Progress;
}

namespace bertq::benchmark {

struct ProtocolOptions {
  int warmup = 2;         // untimed rounds per workload
  int min_runs = 5;       // timed rounds at least
  int max_runs = 30;      // timed rounds at most
  double budget_s = 2.0;  // per model and workload: stop after min_runs once this is spent
};

struct ProtocolStep {
  size_t workload = 0, model = 0;
  bool warmup = false;
  int round = 0;  // within the warm-up or the timed rounds
};

struct ProtocolResult {
  std::vector<std::vector<std::vector<double>>> seconds;  // [workload][model] timed runs
  std::vector<ProtocolStep> steps;                        // every call, in order
};

// INVALID_ARGUMENT for a negative warm-up, min_runs < 1 or max_runs < min_runs. Checks for an
// interrupt between calls; `progress` (optional) counts calls, and counts the rounds the
// budget made unnecessary when a workload stops before max_runs: per workload it advances by
// exactly progress_calls(models, options).
ProtocolResult run_interleaved(size_t workloads, size_t models, const ProtocolOptions& options,
                               const std::function<void(size_t workload, size_t model)>& fn,
                               Progress* progress = nullptr);

// Calls one workload adds to `progress`: (warm-up + max_runs) x models.
uint64_t progress_calls(size_t models, const ProtocolOptions& options);

struct LatencyStats {
  size_t runs = 0;
  double mean_ms = 0, min_ms = 0, median_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  nlohmann::json to_json() const;
};
// From durations in seconds; empty input gives runs = 0 and zeros.
LatencyStats latency_stats(const std::vector<double>& seconds);
// Nearest-rank percentile (q in (0, 1]) of unsorted values; INVALID_ARGUMENT when empty.
double nearest_rank(std::vector<double> values, double q);

}  // namespace bertq::benchmark
