// Two "machines" on one host: rank 0 and rank 1 of `bertq train` in two network namespaces
// joined by a veth pair (10.77.0.1/24 and 10.77.0.2/24, their only addresses), rendezvous and
// all-reduce over TCP between them. The test makes the namespaces with names of its own
// (bertq<pid>a / b) and deletes them however it ends; it skips where it cannot (not root, no
// CAP_NET_ADMIN, no `ip` from iproute2).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/test_util.h"
#include "core/file_util.h"
#include "rank_process.h"

namespace bertq::testing {
namespace {

bool sh(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

// The two namespaces and the veth pair between them; deleted by the destructor.
class NamespacePair {
 public:
  NamespacePair() : a_(cat_pid("a")), b_(cat_pid("b")) {
    const std::string va = a_ + "v", vb = b_ + "v";
    made_ = sh("ip netns add " + a_) && sh("ip netns add " + b_);
    ok_ =
        made_ &&
        sh("ip link add " + va + " netns " + a_ + " type veth peer name " + vb + " netns " + b_) &&
        sh("ip -n " + a_ + " addr add 10.77.0.1/24 dev " + va) &&
        sh("ip -n " + b_ + " addr add 10.77.0.2/24 dev " + vb) &&
        sh("ip -n " + a_ + " link set " + va + " up") &&
        sh("ip -n " + b_ + " link set " + vb + " up") && sh("ip -n " + a_ + " link set lo up") &&
        sh("ip -n " + b_ + " link set lo up");
  }
  ~NamespacePair() {  // deleting a namespace deletes its end of the veth pair, and so both
    sh("ip netns del " + a_);
    sh("ip netns del " + b_);
  }
  bool ok() const { return ok_; }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }

 private:
  static std::string cat_pid(const char* s) { return "bertq" + std::to_string(::getpid()) + s; }
  std::string a_, b_;
  bool made_ = false, ok_ = false;
};

TEST(DataParallel, TwoNetworkNamespacesRendezvousOverTcp) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (CAP_NET_ADMIN) to make network namespaces";
  if (!sh("ip -V")) GTEST_SKIP() << "no `ip` (iproute2) to make network namespaces";
  const NamespacePair ns;
  if (!ns.ok()) GTEST_SKIP() << "`ip netns add` / veth failed here (no CAP_NET_ADMIN?)";
  ASSERT_TRUE(sh("ip netns exec " + ns.b() + " ping -c 1 -W 2 10.77.0.1") || !sh("command -v ping"))
      << "the veth pair does not carry packets";

  TempDir tmp;
  const TinyData d = write_synthetic_data(tmp.file("data"));
  const auto args = tiny_train_args(write_tiny_model(tmp.file("model"), d.vocab), d.train, "1");
  std::vector<pid_t> p;
  for (int r = 0; r < 2; ++r) {
    std::vector<std::string> a{"/usr/bin/env", "ip", "netns", "exec", r == 0 ? ns.a() : ns.b()};
    a.insert(a.end(), args.begin(), args.end());
    for (const char* f : {"--batch-size", "16", "--out"}) a.push_back(f);
    a.push_back(tmp.file("run" + std::to_string(r)));
    p.push_back(spawn(a, rank_env(r, 2, "10.77.0.1", 29517),
                      tmp.file("rank" + std::to_string(r) + ".log")));
  }
  for (int r = 0; r < 2; ++r)
    EXPECT_EQ(wait_for(p[r]), 0) << read_file(tmp.file("rank" + std::to_string(r) + ".log"));
  EXPECT_NE(read_file(tmp.file("rank" + std::to_string(1) + ".log"))
                .find("rank 1 of 2 joined at 10.77.0.1:29517"),
            std::string::npos);
  // Rank 0 wrote the run; rank 1 (its own --out here) wrote nothing.
  EXPECT_TRUE(file_exists(tmp.file("run0/last/model.safetensors")));
  EXPECT_FALSE(file_exists(tmp.file("run1/last/model.safetensors")));
}

}  // namespace
}  // namespace bertq::testing
