// The interleaved benchmark protocol and latency statistics (see protocol.h).
#include "benchmark/protocol.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"

namespace bertq::benchmark {

ProtocolResult run_interleaved(size_t workloads, size_t models, const ProtocolOptions& o,
                               const std::function<void(size_t, size_t)>& fn, Progress* progress) {
  check(o.warmup >= 0 && o.min_runs >= 1 && o.max_runs >= o.min_runs, ErrorCode::INVALID_ARGUMENT,
        "bench protocol: warm-up ", o.warmup, ", runs ", o.min_runs, "..", o.max_runs,
        " (need warm-up >= 0 and 1 <= min runs <= max runs)");
  using Clock = std::chrono::steady_clock;
  ProtocolResult r;
  r.seconds.assign(workloads, std::vector<std::vector<double>>(models));
  auto call = [&](size_t w, size_t m, bool warm, int round) {
    throw_if_interrupted("bench");
    r.steps.push_back({w, m, warm, round});
    const auto t0 = Clock::now();
    fn(w, m);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (progress != nullptr) progress->add(1);
    return s;
  };
  for (size_t w = 0; w < workloads; ++w) {
    for (int round = 0; round < o.warmup; ++round) {
      for (size_t k = 0; k < models; ++k) call(w, (size_t(round) + k) % models, true, round);
    }
    double spent = 0;
    int round = 0;
    for (; round < o.max_runs; ++round) {
      if (round >= o.min_runs && spent >= o.budget_s * double(models)) break;
      for (size_t k = 0; k < models; ++k) {
        const size_t m = (size_t(round) + k) % models;
        const double s = call(w, m, false, round);
        r.seconds[w][m].push_back(s);
        spent += s;
      }
    }
    // The progress total counts max_runs (progress_calls); rounds the budget made unnecessary
    // are counted as done, so the bar ends at its total and never passes it.
    if (progress != nullptr) progress->add(uint64_t(o.max_runs - round) * models);
  }
  return r;
}

uint64_t progress_calls(size_t models, const ProtocolOptions& o) {
  return uint64_t(o.warmup + o.max_runs) * models;
}

double nearest_rank(std::vector<double> v, double q) {
  check(!v.empty(), ErrorCode::INVALID_ARGUMENT, "percentile of no values");
  std::sort(v.begin(), v.end());
  const size_t rank = size_t(std::ceil(q * double(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

LatencyStats latency_stats(const std::vector<double>& seconds) {
  LatencyStats s;
  s.runs = seconds.size();
  if (seconds.empty()) return s;
  std::vector<double> ms;
  for (double x : seconds) ms.push_back(x * 1e3);
  s.mean_ms = std::accumulate(ms.begin(), ms.end(), 0.0) / double(ms.size());
  s.min_ms = *std::min_element(ms.begin(), ms.end());
  s.max_ms = *std::max_element(ms.begin(), ms.end());
  s.median_ms = nearest_rank(ms, 0.5);
  s.p90_ms = nearest_rank(ms, 0.9);
  s.p99_ms = nearest_rank(ms, 0.99);
  return s;
}

nlohmann::json LatencyStats::to_json() const {
  return {{"runs", runs},     {"mean_ms", mean_ms}, {"min_ms", min_ms}, {"median_ms", median_ms},
          {"p90_ms", p90_ms}, {"p99_ms", p99_ms},   {"max_ms", max_ms}};
}

}  // namespace bertq::benchmark
