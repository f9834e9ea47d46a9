// Local ranks of one command (see launch.h).
#include "train/dist/launch.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"

namespace bertq::train {

namespace {

constexpr std::chrono::seconds kGrace{30};  // for the others to report a failed rank

// This process's arguments without --nproc N / --nproc=N.
std::vector<std::string> arguments_less_nproc() {
  const std::string raw = read_file("/proc/self/cmdline");
  std::vector<std::string> args;
  for (size_t p = 0; p < raw.size();) {
    const size_t e = raw.find('\0', p);
    args.push_back(raw.substr(p, e - p));
    p = e == std::string::npos ? raw.size() : e + 1;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;
    } else if (args[i].rfind("--nproc=", 0) != 0) {
      out.push_back(args[i]);
    }
  }
  return out;
}

// A TCP port free on 127.0.0.1 right now (the kernel's choice for port 0).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  check(fd >= 0, ErrorCode::IO, "--nproc: socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof(a);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) == 0;
  ::close(fd);
  check(ok, ErrorCode::IO, "--nproc: could not find a free port on 127.0.0.1");
  return ntohs(a.sin_port);
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return cat("killed by signal ", WTERMSIG(status));
  return cat("exit status ", WEXITSTATUS(status));
}

}  // namespace

void run_local_ranks(int nproc, const LoopOptions& o) {
  check(nproc >= 1, ErrorCode::INVALID_ARGUMENT, "--nproc: must be >= 1, got ", nproc);
  check(o.world_size == 0 && o.rank < 0 && o.master.empty(), ErrorCode::INVALID_ARGUMENT,
        "--nproc starts the ranks itself: leave out --world-size, --rank and --master");
  const std::vector<std::string> args = arguments_less_nproc();
  const std::string port = std::to_string(free_port());
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    check(pid >= 0, ErrorCode::IO, "--nproc: fork() failed");
    if (pid == 0) {
      const std::string n = std::to_string(nproc), rank = std::to_string(r);
      ::setenv("WORLD_SIZE", n.c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", n.c_str(), 1);
      ::setenv("RANK", rank.c_str(), 1);
      ::setenv("LOCAL_RANK", rank.c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv("/proc/self/exe", argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  log_info(cat("started ", nproc, " ranks on 127.0.0.1:", port));
  // Ctrl-C reaches the ranks through the terminal's process group; they checkpoint and stop.
  ::signal(SIGINT, SIG_IGN);
  std::vector<int> status(pids.size(), -1);
  std::string failed;
  size_t running = pids.size();
  std::chrono::steady_clock::time_point first_failure{};
  bool terminated = false;
  while (running > 0) {
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, WNOHANG);
    if (pid > 0) {
      for (size_t r = 0; r < pids.size(); ++r) {
        if (pids[r] != pid) continue;
        status[r] = st;
        --running;
        if (st != 0) {
          failed += cat(failed.empty() ? "" : "; ", "rank ", r, ": ", describe(st));
          if (failed.find(';') == std::string::npos)
            first_failure = std::chrono::steady_clock::now();
        }
      }
      continue;
    }
    if (!failed.empty() && !terminated &&
        std::chrono::steady_clock::now() - first_failure > kGrace) {
      for (size_t r = 0; r < pids.size(); ++r)
        if (status[r] == -1) ::kill(pids[r], SIGTERM);
      terminated = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::signal(SIGINT, SIG_DFL);
  check(failed.empty(), ErrorCode::IO, "--nproc ", nproc, ": ", failed);
}

}  // namespace bertq::train
