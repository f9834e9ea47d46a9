// How many CPUs this process may use, and where that number comes from: the default thread
// count of the engine, the tokenizer and the trainer (default_num_threads in thread_pool.h).
//
// The budget is the smallest of
// - the scheduler affinity mask (sched_getaffinity: `taskset -c 0 bertq ...` -> 1),
// - the cgroup CPU limit of the process: v2 "cpu.max" ("QUOTA PERIOD" or "max PERIOD") of its
//   cgroup and every ancestor, or v1 "cpu.cfs_quota_us" / "cpu.cfs_period_us" of its cpu
//   controller (-1 = none); QUOTA / PERIOD rounded down, at least 1 (a container limited to
//   2 CPUs on a 64-core host gets 2, not 64),
// - the online CPUs (sysconf), when neither of the above can be read.
// BERTQ_THREADS, when set, overrides all of them.
//
// The cgroup files are read under /sys/fs/cgroup for the paths in /proc/self/cgroup; the
// environment variable BERTQ_CGROUP_ROOT points both at a fake tree instead (tests):
// ROOT/proc_self_cgroup is read in place of /proc/self/cgroup and ROOT/... in place of
// /sys/fs/cgroup/....
//
//   const bertq::CpuBudget b = bertq::cpu_budget();   // b.cpus, b.source ("cgroup v2 cpu.max ...")
#pragma once

#include <optional>
#include <string>

namespace bertq {

struct CpuBudget {
  int cpus = 1;
  std::string source;  // e.g. "affinity mask (2 of 2 online CPUs)", "BERTQ_THREADS=4"
};

// A cgroup CPU limit: quota / period CPUs from `file` (for messages).
struct CgroupLimit {
  double cpus = 0;
  std::string file;
  std::string text;  // "200000 100000"
};

// The tightest cgroup CPU limit on `proc_self_cgroup` (the text of /proc/self/cgroup) under
// the cgroup mount `root`; unset when there is none (no limit, or files absent).
std::optional<CgroupLimit> cgroup_cpu_limit(const std::string& root,
                                            const std::string& proc_self_cgroup);

// CPUs in this thread's affinity mask; unset when it cannot be read.
std::optional<int> affinity_cpus();

// The budget of this process, read anew on every call (files under /proc and the cgroup
// mount); default_num_threads() keeps it.
CpuBudget cpu_budget();

}  // namespace bertq
