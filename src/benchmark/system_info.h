// What a benchmark report needs to say about the process and the machine: resident memory
// (VmRSS / VmHWM from /proc/self/status, the peak reset through /proc/self/clear_refs),
// bytes of a model folder on disk, CPU brand, ISA tier, threads and load average.
//
//   size_t before = bertq::eval::rss_bytes();
//   bertq::eval::reset_peak_rss();   ... work ...   bertq::eval::peak_rss_bytes();
//   nlohmann::json m = bertq::eval::machine_info(/*threads=*/2);
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace bertq::benchmark {

// Current resident set size (VmRSS) in bytes; 0 where /proc is unavailable.
uint64_t rss_bytes();
// Peak resident set size (VmHWM) in bytes since the start or the last reset_peak_rss().
uint64_t peak_rss_bytes();
// Resets VmHWM to the current RSS (Linux: writes "5" to /proc/self/clear_refs). False when the
// kernel refuses, in which case peak_rss_bytes() stays the whole process's peak.
bool reset_peak_rss();

struct FolderSize {
  uint64_t weights = 0;  // model.safetensors
  uint64_t total = 0;    // every regular file in the folder (config, vocabulary, ...)
};
// NOT_FOUND naming the folder when it does not exist.
FolderSize model_folder_size(const std::string& dir);

// {"cpu", "isa", "threads", "cpus", "load_average_1m", "avx512", ...}: the conditions a figure
// was measured under. threads = the thread count used (0 = default_num_threads()).
nlohmann::json machine_info(int threads);
// The 1-minute load average (/proc/loadavg), -1 when unknown.
double load_average();

}  // namespace bertq::benchmark
