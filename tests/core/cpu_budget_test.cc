// The CPU budget (core/cpu_budget.h) on fake cgroup trees: v2 cpu.max of the cgroup and its
// ancestors, "max", v1 quota / period, a container's v1 path that only exists as the mount's
// root, garbage; and BERTQ_THREADS / BERTQ_CGROUP_ROOT through cpu_budget() itself. The
// taskset case runs the built binary: tests/cli/threads.sh.
#include "core/cpu_budget.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "core/thread_pool.h"

namespace bertq {
namespace {

namespace fs = std::filesystem;

void put(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  write_file_atomic(path, text);
}

// Sets an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CgroupLimit, V2CpuMaxOfTheProcessCgroup) {
  testing::TempDir t;
  put(t.file("kubepods/pod1/cpu.max"), "200000 100000\n");
  const auto l = cgroup_cpu_limit(t.path(), "0::/kubepods/pod1\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_DOUBLE_EQ(l->cpus, 2.0);
  EXPECT_EQ(l->file, t.file("kubepods/pod1/cpu.max"));
  EXPECT_EQ(l->text, "200000 100000");
}

TEST(CgroupLimit, V2TightestAncestorWinsAndMaxIsNoLimit) {
  testing::TempDir t;
  put(t.file("a/cpu.max"), "150000 100000\n");
  put(t.file("a/b/cpu.max"), "max 100000\n");
  put(t.file("a/b/c/cpu.max"), "400000 100000\n");
  const auto l = cgroup_cpu_limit(t.path(), "0::/a/b/c\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_DOUBLE_EQ(l->cpus, 1.5);
  EXPECT_EQ(l->file, t.file("a/cpu.max"));
  // Only "max" anywhere: no limit.
  testing::TempDir u;
  put(u.file("x/cpu.max"), "max 100000\n");
  EXPECT_FALSE(cgroup_cpu_limit(u.path(), "0::/x\n").has_value());
}

TEST(CgroupLimit, V1QuotaAndPeriod) {
  testing::TempDir t;
  put(t.file("cpu,cpuacct/docker/abc/cpu.cfs_quota_us"), "300000\n");
  put(t.file("cpu,cpuacct/docker/abc/cpu.cfs_period_us"), "100000\n");
  const std::string self = "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n";
  const auto l = cgroup_cpu_limit(t.path(), self);
  ASSERT_TRUE(l.has_value());
  EXPECT_DOUBLE_EQ(l->cpus, 3.0);
  // -1: no quota.
  testing::TempDir u;
  put(u.file("cpu,cpuacct/docker/abc/cpu.cfs_quota_us"), "-1\n");
  put(u.file("cpu,cpuacct/docker/abc/cpu.cfs_period_us"), "100000\n");
  EXPECT_FALSE(cgroup_cpu_limit(u.path(), self).has_value());
}

TEST(CgroupLimit, V1HostPathInsideAContainerFallsBackToTheMountRoot) {
  testing::TempDir t;  // the container sees its own cgroup as the mount's root
  put(t.file("cpu/cpu.cfs_quota_us"), "50000\n");
  put(t.file("cpu/cpu.cfs_period_us"), "100000\n");
  const auto l = cgroup_cpu_limit(t.path(), "3:cpu:/docker/0123456789\n");
  ASSERT_TRUE(l.has_value());
  EXPECT_DOUBLE_EQ(l->cpus, 0.5);
}

TEST(CgroupLimit, AbsentOrGarbageFilesAreNoLimit) {
  testing::TempDir t;
  EXPECT_FALSE(cgroup_cpu_limit(t.path(), "0::/nowhere\n").has_value());
  put(t.file("g/cpu.max"), "lots 100000\n");
  EXPECT_FALSE(cgroup_cpu_limit(t.path(), "0::/g\n").has_value());
  put(t.file("h/cpu.max"), "100000 0\n");
  EXPECT_FALSE(cgroup_cpu_limit(t.path(), "0::/h\n").has_value());
  EXPECT_FALSE(cgroup_cpu_limit(t.path(), "not a cgroup line\n").has_value());
}

TEST(CpuBudget, FakeCgroupLimitsTheDefaultThreadCount) {
  const auto aff = affinity_cpus();
  ASSERT_TRUE(aff.has_value());
  testing::TempDir t;
  put(t.file("proc_self_cgroup"), "0::/box\n");
  put(t.file("box/cpu.max"), "100000 100000\n");  // 1 CPU
  ScopedEnv root("BERTQ_CGROUP_ROOT", t.path());
  unsetenv("BERTQ_THREADS");
  const CpuBudget b = cpu_budget();
  EXPECT_EQ(b.cpus, 1);
  EXPECT_EQ(default_num_threads(), 1);
  if (*aff > 1) {
    EXPECT_NE(b.source.find("cgroup CPU limit"), std::string::npos) << b.source;
    EXPECT_NE(b.source.find(t.file("box/cpu.max")), std::string::npos) << b.source;
  }
  // 0.5 CPU rounds down to 1 thread at least.
  put(t.file("box/cpu.max"), "50000 100000\n");
  EXPECT_EQ(cpu_budget().cpus, 1);
  // A limit wider than the affinity mask: the mask decides, and the source says so.
  put(t.file("box/cpu.max"), "100000000 100000\n");
  const CpuBudget wide = cpu_budget();
  EXPECT_EQ(wide.cpus, *aff);
  EXPECT_NE(wide.source.find("affinity mask"), std::string::npos) << wide.source;
  EXPECT_NE(wide.source.find("not tighter"), std::string::npos) << wide.source;
}

TEST(CpuBudget, BertqThreadsOverridesAndIsValidated) {
  ScopedEnv env("BERTQ_THREADS", "5");
  EXPECT_EQ(cpu_budget().cpus, 5);
  EXPECT_EQ(cpu_budget().source, "BERTQ_THREADS=5");
  setenv("BERTQ_THREADS", "zero", 1);
  EXPECT_THROW(cpu_budget(), Error);
}

}  // namespace
}  // namespace bertq
