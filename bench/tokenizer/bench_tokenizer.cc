// Tokenizer throughput: encodes every review text of a JSON Lines file (IMDB train, 25,000
// reviews, ~33 MB) with no truncation, single-threaded (encode() in a loop) and with all
// threads (encode_batch), `repeats` times each, and reports the median as MB/s (text bytes),
// tokens/s and reviews/s. Reference results (JSON lines from ../shared/peers/
// tokenizer_bench.mjs) given with --reference are added to the same table.
// Prints a Markdown table and writes all results as JSON (atomically) to --out.
//
//   bench_tokenizer --tokenizer ../shared/data/bert-base-uncased
//     --data ../shared/data/imdb/train.jsonl.gz --repeats 3 --out build/bench/tokenizer.json
//     [--reference ref_1thread.json --reference ref_all.json]
// Besides wall time it records CPU time (thread CPU time for the single-thread run, process
// CPU time for the threaded one), which stays meaningful on a loaded machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/line_reader.h"
#include "core/thread_pool.h"
#include "text/tokenizer.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string tokenizer = "../shared/data/bert-base-uncased";
  std::string data = "../shared/data/imdb/train.jsonl.gz";
  std::string out = "build/bench/tokenizer.json";
  std::vector<std::string> references;
  int repeats = 3;
  int threads = 0;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc)
        throw bertq::Error(bertq::ErrorCode::INVALID_ARGUMENT, k + ": missing value");
      return argv[++i];
    };
    if (k == "--tokenizer")
      a.tokenizer = val();
    else if (k == "--data")
      a.data = val();
    else if (k == "--out")
      a.out = val();
    else if (k == "--reference")
      a.references.push_back(val());
    else if (k == "--repeats")
      a.repeats = std::stoi(val());
    else if (k == "--threads")
      a.threads = std::stoi(val());
    else
      throw bertq::Error(bertq::ErrorCode::INVALID_ARGUMENT, "unknown option " + k);
  }
  return a;
}

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

json measure(const std::string& engine, int threads, const std::vector<std::string>& texts,
             double mb, int repeats, const std::function<size_t()>& run) {
  struct Run {
    double wall, cpu;
    size_t tokens;
  };
  std::vector<Run> runs;
  const clockid_t clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
  for (int r = 0; r < repeats; ++r) {
    const double c0 = cpu_seconds(clock);
    const auto t0 = Clock::now();
    const size_t tokens = run();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    runs.push_back({wall, cpu_seconds(clock) - c0, tokens});
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.wall < b.wall; });
  const Run m = runs[runs.size() / 2];
  return {{"engine", engine},
          {"threads", threads},
          {"reviews", texts.size()},
          {"MB", mb},
          {"tokens", m.tokens},
          {"median_s", m.wall},
          {"cpu_s", m.cpu},
          {"reviews_per_s", texts.size() / m.wall},
          {"tokens_per_s", m.tokens / m.wall},
          {"MB_per_s", mb / m.wall},
          {"MB_per_cpu_s", mb / m.cpu}};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bertq;
  try {
    const Args a = parse_args(argc, argv);
    const auto tok = text::Tokenizer::from_folder(a.tokenizer);
    std::vector<std::string> texts;
    size_t bytes = 0;
    {
      LineReader r(a.data);
      std::string line;
      while (r.next(line)) {
        if (line.empty()) continue;
        texts.push_back(json::parse(line).at("text").get<std::string>());
        bytes += texts.back().size();
      }
    }
    const double mb = bytes / 1e6;
    const int all = a.threads > 0 ? a.threads : default_num_threads();
    json results = json::array();
    results.push_back(measure("bertq", 1, texts, mb, a.repeats, [&] {
      size_t n = 0;
      for (const auto& t : texts) n += tok.encode(t).ids.size();
      return n;
    }));
    results.push_back(measure("bertq", all, texts, mb, a.repeats, [&] {
      size_t n = 0;
      for (const auto& e : tok.encode_batch(texts, {}, all)) n += e.ids.size();
      return n;
    }));
    for (const auto& path : a.references) {
      const std::string s = read_file(path);
      const auto nl = s.find_last_of('{');
      check(nl != std::string::npos, ErrorCode::CORRUPT_FILE, path, ": no JSON result");
      json r = json::parse(s.substr(nl));
      if (r.contains("threads") && r["threads"].is_string() && r["threads"] == "all")
        r["threads"] = all;
      else if (r.contains("threads") && r["threads"].is_string())
        r["threads"] = std::stoi(r["threads"].get<std::string>());
      results.push_back(r);
    }
    std::printf(
        "tokenizer throughput: %zu IMDB reviews, %.1f MB, no truncation; cpu %s, %d threads\n\n",
        texts.size(), mb, cpu_features().brand.c_str(), all);
    std::printf(
        "| engine | threads | MB/s | tokens/s | reviews/s | median s | MB per CPU-second |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const auto& r : results) {
      const std::string per_cpu =
          r.contains("MB_per_cpu_s") ? cat(r["MB_per_cpu_s"].get<double>()) : "-";
      std::printf("| %s | %s | %.2f | %.0f | %.0f | %.3f | %s |\n",
                  r["engine"].get<std::string>().c_str(), r["threads"].dump().c_str(),
                  r["MB_per_s"].get<double>(), r["tokens_per_s"].get<double>(),
                  r["reviews_per_s"].get<double>(), r["median_s"].get<double>(), per_cpu.c_str());
    }
    const json report = {{"benchmark", "tokenizer"}, {"data", a.data},
                         {"tokenizer", a.tokenizer}, {"cpu", cpu_features().brand},
                         {"repeats", a.repeats},     {"results", results}};
    const auto parent = std::filesystem::path(a.out).parent_path();
    if (!parent.empty()) make_dirs(parent.string());
    write_file_atomic(a.out, report.dump(2) + "\n");
    std::printf("\nwrote %s\n", a.out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tokenizer: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
