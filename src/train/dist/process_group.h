// The process group of a data-parallel run (internal header, includes libtorch): PyTorch's c10d
// ProcessGroupGloo over a TCPStore that rank 0 hosts at the rendezvous address (rendezvous.h).
// No collective of our own: every sum is a Gloo all-reduce.
//
// Gradients are summed in buckets of about 25 MB, filled in reverse parameter order (the order
// backward produces them: the last layers first) and all started before the first is waited on.
// The loop weights each rank's micro-batch losses by units / (units of all ranks), so the sum is
// the gradient of the global batch's mean loss, as one process would compute it.
//
// A lost rank: every rank bumps a heartbeat counter in the store twice a second from its own
// thread and connection. When a collective fails (Gloo sees the peer's socket close when it is
// killed, or its timeout passes), the counters tell which rank stopped beating (a dead store
// means rank 0, which hosts it), and the rank throws IO naming it; the CLI exits non-zero. The
// run continues from OUT/checkpoint with --resume on all ranks.
//
//   auto g = train::DistGroup::join(train::dist_env(o), o.dist_timeout_s);  // nullptr: 1 process
//   if (g) g->sum_gradients(opt.params());
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "train/dist/rendezvous.h"

namespace bertq::train {

class DistGroup {
 public:
  // Rendezvous of env.world_size ranks (blocks until all have joined, or IO after timeout_s);
  // nullptr when the world size is 1. timeout_s also bounds every collective. After its
  // "joined" line a rank other than 0 logs only warnings and errors.
  static std::unique_ptr<DistGroup> join(const DistEnv& env, double timeout_s);
  ~DistGroup();  // logs the mean gradient all-reduce time per step

  int rank() const;
  int size() const;
  // Element-wise sums over the ranks, in place (CPU tensors; double / int64 vectors).
  void sum(torch::Tensor& t);
  void sum(std::vector<double>& v);
  int64_t sum(int64_t n);
  // Sums the gradients of `params` over the ranks (an undefined gradient counts as zeros and
  // is defined afterwards).
  void sum_gradients(const std::vector<torch::Tensor>& params);
  // What one step of the loop adds up over the ranks (train/loop.cc): sums, and the flags any
  // rank raised (so that all stop at the same step).
  struct StepTotals {
    double loss = 0;
    int64_t tokens = 0, units = 0, correct = 0;
    bool out_of_time = false, interrupted = false;
  };
  void sum(StepTotals& t);
  // Every rank's `bytes` (a U8 tensor of the same size on all ranks), in rank order.
  std::vector<torch::Tensor> all_gather_bytes(const torch::Tensor& bytes);

  struct Impl;

 private:
  explicit DistGroup(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether this rank evaluates item `i` of an evaluation split across the ranks (round robin;
// every item when there is no group).
inline bool evaluates(const DistGroup* g, size_t i) {
  return g == nullptr || static_cast<int>(i % static_cast<size_t>(g->size())) == g->rank();
}

}  // namespace bertq::train
