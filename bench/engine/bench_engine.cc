// bench_engine: times engine::forward on a model folder with the peer benchmark's protocol
// and inputs (../shared/peers/README.md), so make_table.py shows it beside ONNX Runtime. An INT8
// folder (bertq quantize) is timed as bertq-INT8.
// Inputs: ref_bert.make_inputs — mulberry32(seed) ids uniform in [1000, vocab), row-major,
// first id 101, last 102, all tokens real (no padding), token types 0. Per (batch, seq):
// `warmup` untimed runs (fewer once warmup-max-s has passed), then timed runs until min-runs
// are done and budget-s has passed, or max-runs. Each timed run is one whole batch.
// Prints a readable line and `RESULT {json}` per configuration (median, nearest-rank p90, the
// CPU share other processes used meanwhile, from /proc/stat).
//
//   bench_engine --model /tmp/bert_peers/bert-base-seed0 --batches 1,8 --seqs 128 --threads 2
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/cpu_features.h"
#include "core/error.h"
#include "engine/bert_encoder.h"
#include "engine/model.h"

namespace {

using Clock = std::chrono::steady_clock;

uint32_t mulberry32(uint32_t& a) {
  a += 0x6D2B79F5u;
  uint32_t t = a;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + ((t ^ (t >> 7)) * (t | 61u));
  return t ^ (t >> 14);
}

std::vector<std::vector<int32_t>> make_inputs(int batch, int seq, int vocab, uint32_t seed) {
  uint32_t a = seed;
  const uint32_t span = uint32_t(vocab - 1000);
  std::vector<std::vector<int32_t>> ids(static_cast<size_t>(batch),
                                        std::vector<int32_t>(static_cast<size_t>(seq)));
  for (auto& row : ids)
    for (auto& v : row) v = int32_t(1000 + mulberry32(a) % span);
  if (seq >= 2)
    for (auto& row : ids) row.front() = 101, row.back() = 102;
  return ids;
}

struct CpuSnap {
  double busy = 0, own = 0, wall = 0;
  int ncpu = 1;
};

CpuSnap cpu_snapshot() {
  CpuSnap s;
  std::ifstream f("/proc/stat");
  std::string line, tag;
  int ncpu = 0;
  while (std::getline(f, line)) {
    if (line.rfind("cpu ", 0) == 0) {
      std::istringstream is(line);
      is >> tag;
      double v[8] = {};
      for (double& x : v) is >> x;
      s.busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / double(sysconf(_SC_CLK_TCK));
    } else if (line.rfind("cpu", 0) == 0) {
      ++ncpu;
    }
  }
  s.ncpu = std::max(1, ncpu);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.own = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
          ru.ru_stime.tv_usec / 1e6;
  s.wall = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  return s;
}

double foreign_cpu_pct(const CpuSnap& a, const CpuSnap& b) {
  const double wall = b.wall - a.wall;
  return std::max(0.0, 100.0 * ((b.busy - a.busy) - (b.own - a.own)) / (wall * a.ncpu));
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bertq;
  CLI::App app{"bench_engine: engine latency with the peers' protocol"};
  std::string model_dir, batches = "1,8", seqs = "128,256,512", compute = "fp32", label;
  int threads = 2, warmup = 2, min_runs = 4, max_runs = 30, vocab = 30522;
  double budget_s = 4, warmup_max_s = 4;
  uint32_t seed = 1234;
  app.add_option("--model", model_dir, "Model folder")->required();
  app.add_option("--batches", batches);
  app.add_option("--seqs", seqs);
  app.add_option("--threads", threads);
  app.add_option("--compute", compute, "fp32 or bf16");
  app.add_option("--warmup", warmup);
  app.add_option("--warmup-max-s", warmup_max_s);
  app.add_option("--min-runs", min_runs);
  app.add_option("--max-runs", max_runs);
  app.add_option("--budget-s", budget_s);
  app.add_option("--vocab", vocab);
  app.add_option("--seed", seed);
  app.add_option("--label", label, "Engine name in the table (default bertq-FP32 / bertq-BF16)");
  CLI11_PARSE(app, argc, argv);
  try {
    engine::EngineOptions eo;
    eo.compute = engine::parse_compute(compute);
    eo.threads = threads;
    const auto t0 = Clock::now();
    const auto model = engine::Model::load(model_dir, eo);
    if (model->quantized()) compute = "int8";
    if (label.empty())
      label = model->quantized()                    ? "bertq-INT8"
              : eo.compute == engine::Compute::BF16 ? "bertq-BF16"
                                                    : "bertq-FP32";
    const double create_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const double model_mb =
        double(std::filesystem::file_size(model_dir + "/model.safetensors")) / 1e6;
    std::printf("[bench_engine] %s: isa %s, compute %s, threads %d, model %.1f MB, load %.0f ms\n",
                label.c_str(), std::string(isa_name(model->kernels().isa)).c_str(), compute.c_str(),
                threads, model_mb, create_ms);
    engine::Workspace ws;
    for (int seq : parse_list(seqs)) {
      for (int batch : parse_list(batches)) {
        const auto packed = engine::PackedBatch::pack(make_inputs(batch, seq, vocab, seed));
        const auto w0 = Clock::now();
        int warm = 0;
        while (warm < warmup) {
          engine::forward(*model, packed, nullptr, &ws);
          ++warm;
          if (std::chrono::duration<double>(Clock::now() - w0).count() >= warmup_max_s) break;
        }
        std::vector<double> times;
        const CpuSnap snap0 = cpu_snapshot();
        const auto start = Clock::now();
        while (true) {
          const auto s = Clock::now();
          engine::forward(*model, packed, nullptr, &ws);
          times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
          const double spent = std::chrono::duration<double>(Clock::now() - start).count();
          if (int(times.size()) >= max_runs) break;
          if (int(times.size()) >= min_runs && spent >= budget_s) break;
        }
        const double foreign = foreign_cpu_pct(snap0, cpu_snapshot());
        std::vector<double> sorted = times;
        std::sort(sorted.begin(), sorted.end());
        const size_t n = sorted.size();
        const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        const size_t k = std::max<size_t>(1, size_t(std::ceil(0.9 * double(n))));
        const double p90 = sorted[k - 1];
        nlohmann::ordered_json r;
        r["engine"] = label;
        r["batch"] = batch;
        r["seq"] = seq;
        r["threads"] = threads;
        r["runs"] = n;
        r["warmup"] = warm;
        r["median_ms"] = median;
        r["p90_ms"] = p90;
        r["min_ms"] = sorted[0];
        r["seq_per_s"] = batch * 1000.0 / median;
        r["model_mb"] = model_mb;
        r["create_ms"] = create_ms;
        r["foreign_cpu_pct"] = std::round(foreign * 10) / 10;
        r["isa"] = std::string(isa_name(model->kernels().isa));
        r["compute"] = compute;
        std::printf(
            "[bench_engine] %s b=%d s=%d t=%d: median %.1f ms, p90 %.1f ms, %.2f seq/s "
            "(%zu runs; other processes used %.0f%% of the CPUs meanwhile)\n",
            label.c_str(), batch, seq, threads, median, p90, batch * 1000.0 / median, n, foreign);
        std::printf("RESULT %s\n", r.dump().c_str());
        std::fflush(stdout);
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_engine: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
