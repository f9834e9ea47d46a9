// c10d ProcessGroupGloo + TCPStore, bucketed gradient sums and the lost-rank diagnosis (see
// process_group.h).
#include "train/dist/process_group.h"

// Debian's libtorch is built with Gloo; its header is empty without this switch.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/log.h"

namespace bertq::train {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int64_t kBucketBytes = 25 << 20;   // DDP's default bucket size
constexpr milliseconds kBeatPeriod{500};     // heartbeat counter bumps
constexpr milliseconds kLostAfter{2500};     // a rank whose counter stood still this long
constexpr milliseconds kProbeTimeout{3000};  // connecting to the store while diagnosing

std::string beat_key(int rank) {
  return cat("bertq/heartbeat/", rank);
}

c10::intrusive_ptr<c10d::TCPStore> connect_store(const DistEnv& env, bool server,
                                                 milliseconds timeout) {
  c10d::TCPStoreOptions so;
  so.port = static_cast<uint16_t>(env.port);
  so.isServer = server;
  so.numWorkers = static_cast<size_t>(env.world_size);
  so.waitWorkers = false;
  so.timeout = timeout;
  return c10::make_intrusive<c10d::TCPStore>(env.host, so);
}

// The local address this machine reaches `host` from (a UDP connect sends nothing), for Gloo
// to listen on; GLOO_SOCKET_IFNAME (PyTorch's variable) names an interface instead.
std::shared_ptr<gloo::transport::Device> gloo_device(const DistEnv& env) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  std::string local = env.host;
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(env.port));
  if (fd >= 0 && ::inet_pton(AF_INET, env.host.c_str(), &to.sin_addr) == 1 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0) {
    sockaddr_in me{};
    socklen_t n = sizeof(me);
    char buf[INET_ADDRSTRLEN];
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &n) == 0 &&
        ::inet_ntop(AF_INET, &me.sin_addr, buf, sizeof(buf)) != nullptr)
      local = buf;
  }
  if (fd >= 0) ::close(fd);
  return c10d::ProcessGroupGloo::createDeviceForHostname(local);
}

}  // namespace

struct DistGroup::Impl {
  DistEnv env;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  double grad_s = 0;
  int64_t grad_calls = 0;
  std::thread beat;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;

  // Bumps this rank's counter until the destructor; a dead store ends the thread quietly (the
  // next collective reports it).
  void start_heartbeat() {
    auto client = connect_store(env, false, kProbeTimeout);
    beat = std::thread([this, client] {
      std::unique_lock<std::mutex> lock(mu);
      try {
        while (!stopping) {
          client->add(beat_key(env.rank), 1);
          cv.wait_for(lock, kBeatPeriod, [this] { return stopping; });
        }
      } catch (const std::exception&) {
      }
    });
  }

  // The ranks whose heartbeat stood still for kLostAfter ({0} when the store is gone).
  std::vector<int> lost_ranks() const {
    try {
      auto probe = connect_store(env, false, kProbeTimeout);
      auto counts = [&] {
        std::vector<int64_t> c;
        for (int r = 0; r < env.world_size; ++r) c.push_back(probe->add(beat_key(r), 0));
        return c;
      };
      const auto before = counts();
      std::this_thread::sleep_for(kLostAfter);
      const auto after = counts();
      std::vector<int> lost;
      for (int r = 0; r < env.world_size; ++r)
        if (r != env.rank && after[r] == before[r]) lost.push_back(r);
      return lost;
    } catch (const std::exception&) {
      return {0};
    }
  }

  // Throws IO naming the lost rank(s) after a failed collective (`what`: c10d's message).
  [[noreturn]] void fail(const std::string& what) const {
    const std::vector<int> lost = lost_ranks();
    std::string who = lost.empty() ? "a collective failed" : "lost rank";
    for (size_t i = 0; i < lost.size(); ++i) who += cat(i ? ", " : " ", lost[i]);
    if (lost == std::vector<int>{0}) who += " (it hosts the store)";
    throw Error(ErrorCode::IO, cat("rank ", env.rank, " of ", env.world_size, ": ", who, " at ",
                                   env.host, ":", env.port, " (", what,
                                   "); stopping. Restart every rank with --resume to continue "
                                   "from OUT/checkpoint"));
  }

  // Runs the all-reduce of `tensors` (each one collective), waiting for all of them.
  void all_reduce(std::vector<at::Tensor>& tensors) {
    try {
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      for (auto& t : tensors) {
        std::vector<at::Tensor> one{t};
        works.push_back(pg->allreduce(one));
      }
      for (auto& w : works) w->wait();
    } catch (const Error&) {
      throw;
    } catch (const c10::Error& e) {
      fail(e.what_without_backtrace());
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
};

std::unique_ptr<DistGroup> DistGroup::join(const DistEnv& env, double timeout_s) {
  if (env.world_size <= 1) return nullptr;
  // A peer that dies leaves sockets whose writes would raise SIGPIPE and end this process
  // without a message; the failed write reports it instead.
  std::signal(SIGPIPE, SIG_IGN);
  const milliseconds timeout(static_cast<int64_t>(timeout_s * 1000));
  auto impl = std::make_unique<Impl>();
  impl->env = env;
  try {
    impl->store = connect_store(env, env.rank == 0, timeout);
    auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
    opts->devices.push_back(gloo_device(env));
    impl->pg =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank, env.world_size, opts);
  } catch (const std::exception& e) {
    const auto* c10e = dynamic_cast<const c10::Error*>(&e);
    throw Error(ErrorCode::IO,
                cat("rank ", env.rank, " of ", env.world_size, ": rendezvous at ", env.host, ":",
                    env.port, " failed (", c10e ? c10e->what_without_backtrace() : e.what(), ")"));
  }
  impl->start_heartbeat();
  log_info(cat("rank ", env.rank, " of ", env.world_size, " joined at ", env.host, ":", env.port,
               " (gloo)"));
  // Rank 0 speaks for the run; the others report only warnings and their failure.
  if (env.rank != 0 && log_level() < LogLevel::WARN) set_log_level(LogLevel::WARN);
  return std::unique_ptr<DistGroup>(new DistGroup(std::move(impl)));
}

DistGroup::DistGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DistGroup::~DistGroup() {
  if (impl_->grad_calls > 0)
    log_info(cat("rank ", impl_->env.rank, ": gradient all-reduce ",
                 impl_->grad_s * 1e3 / static_cast<double>(impl_->grad_calls), " ms per step over ",
                 impl_->grad_calls, " steps"));
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->beat.joinable()) impl_->beat.join();
}

int DistGroup::rank() const {
  return impl_->env.rank;
}
int DistGroup::size() const {
  return impl_->env.world_size;
}
void DistGroup::sum(torch::Tensor& t) {
  std::vector<at::Tensor> one{t.contiguous()};
  impl_->all_reduce(one);
  if (!one[0].is_same(t)) t.copy_(one[0]);
}

void DistGroup::sum(std::vector<double>& v) {
  torch::Tensor t = torch::from_blob(v.data(), {static_cast<int64_t>(v.size())}, torch::kDouble);
  sum(t);
}

int64_t DistGroup::sum(int64_t n) {
  torch::Tensor t = torch::tensor({n}, torch::kLong);
  sum(t);
  return t.item<int64_t>();
}

void DistGroup::sum(StepTotals& t) {
  std::vector<double> v{t.loss,
                        static_cast<double>(t.tokens),
                        static_cast<double>(t.units),
                        static_cast<double>(t.correct),
                        t.out_of_time ? 1.0 : 0.0,
                        t.interrupted ? 1.0 : 0.0};
  sum(v);
  t = {v[0],
       static_cast<int64_t>(v[1]),
       static_cast<int64_t>(v[2]),
       static_cast<int64_t>(v[3]),
       v[4] > 0,
       v[5] > 0};
}

std::vector<torch::Tensor> DistGroup::all_gather_bytes(const torch::Tensor& bytes) {
  // A sum of rows that are zero but on their own rank (exact in int64).
  const torch::Tensor flat = bytes.reshape({-1});
  torch::Tensor all = torch::zeros({size(), flat.numel()}, torch::kLong);
  all[rank()].copy_(flat);
  sum(all);
  std::vector<torch::Tensor> out;
  for (int r = 0; r < size(); ++r) out.push_back(all[r].to(torch::kUInt8).view(bytes.sizes()));
  return out;
}

void DistGroup::sum_gradients(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard ng;
  const auto t0 = Clock::now();
  // Which parameters have a gradient on some rank: the others stay undefined, as they would in
  // one process (AdamW skips them).
  torch::Tensor defined = torch::zeros({static_cast<int64_t>(params.size())}, torch::kFloat);
  std::vector<std::vector<torch::Tensor>> members;  // the gradients of each bucket
  float* has = defined.data_ptr<float>();
  int64_t bytes = 0;
  for (size_t k = params.size(); k-- > 0;) {  // backward's order: the last layers first
    torch::Tensor p = params[k];
    has[k] = p.grad().defined() ? 1 : 0;
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    const int64_t n = p.grad().numel() * static_cast<int64_t>(p.grad().element_size());
    if (members.empty() || (bytes > 0 && bytes + n > kBucketBytes)) {
      members.emplace_back();
      bytes = 0;
    }
    members.back().push_back(p.grad());
    bytes += n;
  }
  std::vector<at::Tensor> flat;
  for (const auto& m : members) {
    std::vector<torch::Tensor> parts;
    for (const auto& g : m) parts.push_back(g.reshape({-1}));
    flat.push_back(torch::cat(parts));
  }
  flat.push_back(defined);
  impl_->all_reduce(flat);
  for (size_t b = 0; b < members.size(); ++b) {
    int64_t off = 0;
    for (auto& g : members[b]) {
      g.copy_(flat[b].narrow(0, off, g.numel()).view_as(g));
      off += g.numel();
    }
  }
  const float* any = flat.back().data_ptr<float>();
  for (size_t k = 0; k < params.size(); ++k) {
    torch::Tensor p = params[k];
    if (any[k] == 0) p.mutable_grad() = torch::Tensor();
  }
  impl_->grad_s += std::chrono::duration<double>(Clock::now() - t0).count();
  ++impl_->grad_calls;
}

}  // namespace bertq::train
