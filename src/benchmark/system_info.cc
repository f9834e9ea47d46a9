// Process memory, folder sizes and machine conditions (see system_info.h).
#include "benchmark/system_info.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/thread_pool.h"

namespace bertq::benchmark {
namespace {

// A "Key:   123 kB" line of /proc/self/status, in bytes.
uint64_t status_kb(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream is(line.substr(key.size() + 1));
      uint64_t kb = 0;
      is >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

}  // namespace

uint64_t rss_bytes() {
  return status_kb("VmRSS");
}
uint64_t peak_rss_bytes() {
  return status_kb("VmHWM");
}

bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return bool(f);
}

FolderSize model_folder_size(const std::string& dir) {
  namespace fs = std::filesystem;
  check(fs::is_directory(dir), ErrorCode::NOT_FOUND, "model folder ", dir, ": not found");
  FolderSize s;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    s.total += e.file_size();
    if (e.path().filename() == "model.safetensors") s.weights = e.file_size();
  }
  return s;
}

double load_average() {
  std::ifstream f("/proc/loadavg");
  double v = -1;
  if (!(f >> v)) return -1;
  return v;
}

nlohmann::json machine_info(int threads) {
  const CpuFeatures& c = cpu_features();
  nlohmann::json j;
  j["cpu"] = c.brand;
  j["isa"] = std::string(isa_name(active_isa()));
  j["best_isa"] = std::string(isa_name(best_isa()));
  j["avx512_vnni"] = c.avx512_vnni;
  j["threads"] = threads > 0 ? threads : default_num_threads();
  j["cpus"] = int(sysconf(_SC_NPROCESSORS_ONLN));
  j["load_average_1m"] = load_average();
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  j["date_utc"] = buf;
  return j;
}

}  // namespace bertq::benchmark
