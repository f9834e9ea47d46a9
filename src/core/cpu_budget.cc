// cpu_budget (see cpu_budget.h).
#include "core/cpu_budget.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace bertq {
namespace {

std::optional<std::string> read_small(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "/a/b/c" -> {"/a/b/c", "/a/b", "/a", ""}: the cgroup and its ancestors (limits of each apply).
std::vector<std::string> self_and_ancestors(std::string path) {
  std::vector<std::string> out;
  while (!path.empty() && path.back() == '/') path.pop_back();
  for (;;) {
    out.push_back(path);
    if (path.empty()) break;
    const size_t slash = path.rfind('/');
    path = slash == std::string::npos ? std::string() : path.substr(0, slash);
  }
  return out;
}

void keep_tighter(std::optional<CgroupLimit>& best, CgroupLimit c) {
  if (c.cpus > 0 && (!best || c.cpus < best->cpus)) best = std::move(c);
}

// v2: "QUOTA PERIOD" or "max PERIOD".
std::optional<CgroupLimit> v2_limit(const std::string& file) {
  const auto text = read_small(file);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  char* end = nullptr;
  const double q = std::strtod(quota.c_str(), &end);
  if (end == quota.c_str() || q <= 0) return std::nullopt;
  return CgroupLimit{q / period, file, trim(*text)};
}

// v1: cpu.cfs_quota_us (-1 = none) / cpu.cfs_period_us.
std::optional<CgroupLimit> v1_limit(const std::string& dir) {
  const auto quota = read_small(dir + "/cpu.cfs_quota_us");
  const auto period = read_small(dir + "/cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  const double q = std::atof(quota->c_str()), p = std::atof(period->c_str());
  if (q <= 0 || p <= 0) return std::nullopt;
  return CgroupLimit{q / p, dir + "/cpu.cfs_quota_us",
                     trim(*quota) + " / cpu.cfs_period_us " + trim(*period)};
}

}  // namespace

std::optional<CgroupLimit> cgroup_cpu_limit(const std::string& root,
                                            const std::string& proc_self_cgroup) {
  std::optional<CgroupLimit> best;
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  while (std::getline(lines, line)) {
    // "ID:CONTROLLERS:PATH"; v2 is "0::PATH".
    const size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = trim(line.substr(b + 1));
    if (controllers.empty()) {
      for (const std::string& p : self_and_ancestors(path))
        if (auto l = v2_limit(root + p + "/cpu.max")) keep_tighter(best, *l);
      continue;
    }
    std::vector<std::string> names;
    std::istringstream cs(controllers);
    for (std::string c; std::getline(cs, c, ',');) names.push_back(c);
    bool cpu = false;
    for (const auto& n : names) cpu = cpu || n == "cpu";
    if (!cpu) continue;
    // The controller's mount: "cpu,cpuacct" (as listed) or "cpu". Inside a container the
    // listed path may be the host's; the mount's own root is then the process's cgroup.
    for (const std::string mount : {root + "/" + controllers, root + "/cpu"}) {
      for (const std::string& p : self_and_ancestors(path))
        if (auto l = v1_limit(mount + p)) keep_tighter(best, *l);
    }
  }
  return best;
}

std::optional<int> affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return std::nullopt;
  const int n = CPU_COUNT(&set);
  return n > 0 ? std::optional<int>(n) : std::nullopt;
}

CpuBudget cpu_budget() {
  if (const char* env = std::getenv("BERTQ_THREADS"); env != nullptr && *env != '\0') {
    const int n = std::atoi(env);
    check(n > 0, ErrorCode::INVALID_ARGUMENT, "BERTQ_THREADS=", env,
          ": expected a positive integer");
    return {n, cat("BERTQ_THREADS=", env)};
  }
  const long online_l = sysconf(_SC_NPROCESSORS_ONLN);
  const int online = online_l > 0 ? int(online_l) : 1;
  CpuBudget b{online, cat(online, " online CPUs")};
  if (const auto aff = affinity_cpus()) {
    b = {*aff, cat("affinity mask (", *aff, " of ", online, " online CPUs)")};
  }
  const char* fake = std::getenv("BERTQ_CGROUP_ROOT");
  const std::string root = fake && *fake ? fake : "/sys/fs/cgroup";
  const std::string self = fake && *fake ? root + "/proc_self_cgroup" : "/proc/self/cgroup";
  if (const auto text = read_small(self)) {
    if (const auto lim = cgroup_cpu_limit(root, *text)) {
      const int n = std::max(1, int(std::floor(lim->cpus + 1e-9)));
      if (n < b.cpus) {
        b = {n, cat("cgroup CPU limit ", lim->file, " = ", lim->text, " (", lim->cpus,
                    " CPUs, rounded down; ", b.source, ")")};
      } else {
        b.source += cat("; cgroup limit ", lim->cpus, " CPUs (", lim->file, ") is not tighter");
      }
    }
  }
  return b;
}

}  // namespace bertq
