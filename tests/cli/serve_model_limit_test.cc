// `bertq serve` on a model whose max_position_embeddings (128) is below the command's default
// max length (512): the server must come up (its warm-up stays within the model's positions)
// and answer POST /v1/classify, with and without --max-length; a --max-length beyond the
// model's positions is refused at start with a message naming the limit. The same default
// must hold for `bertq predict`. Runs the built binary as a child process on a free port.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/test_util.h"
#include "core/file_util.h"
#include "eval/eval_test_util.h"
#include "run_bertq.h"

namespace bertq {
namespace {

using namespace std::chrono_literals;

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return -1;
  const int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// `bertq serve ARGS --port P` as a child (stderr to `log`); stopped with SIGTERM at the end.
class ServeProcess {
 public:
  ServeProcess(const std::string& args, const std::string& log) : port_(free_port()) {
    const std::string cmd = std::string(BERTQ_CLI) + " serve " + args + " --threads 1 --port " +
                            std::to_string(port_) + " 2>" + log;
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() { stop(); }
  // Waits for /readyz 200; false when the process exited or 30 s passed.
  bool wait_ready() {
    httplib::Client c("127.0.0.1", port_);
    for (int i = 0; i < 600; ++i) {
      if (exited()) return false;
      auto r = c.Get("/readyz");
      if (r && r->status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // Exit status once the process has ended (-1 while it runs).
  int exit_status() {
    exited();
    return status_;
  }
  int port() const { return port_; }
  int stop() {
    if (pid_ > 0 && !exited()) {
      kill(pid_, SIGTERM);
      int ws = 0;
      waitpid(pid_, &ws, 0);
      status_ = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      pid_ = -1;
    }
    return status_;
  }

 private:
  bool exited() {
    if (pid_ <= 0) return true;
    int ws = 0;
    if (waitpid(pid_, &ws, WNOHANG) != pid_) return false;
    status_ = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    pid_ = -1;
    return true;
  }
  int port_;
  pid_t pid_ = -1;
  int status_ = -1;
};

class ShortModel : public ::testing::Test {
 protected:
  void SetUp() override {
    eval::testing::make_tiny_model(tmp_.path(), "model", 7, /*max_position=*/128);
    for (int i = 0; i < 100; ++i)
      long_text_ += "the movie was great and fun but the plot was dull ";
  }
  // POST /v1/classify with a text longer than the model's positions: 200 and one result.
  void expect_classifies(ServeProcess& s, const std::string& log) {
    ASSERT_TRUE(s.wait_ready()) << "bertq serve did not come up (exit " << s.exit_status()
                                << "): " << read_file(log);
    httplib::Client c("127.0.0.1", s.port());
    c.set_read_timeout(30, 0);
    auto r =
        c.Post("/v1/classify", nlohmann::json{{"text", long_text_}}.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(nlohmann::json::parse(r->body)["results"].size(), 1u) << r->body;
    EXPECT_EQ(s.stop(), 0) << read_file(log);
  }
  testing::TempDir tmp_;
  std::string dir_ = tmp_.file("model");
  std::string long_text_;
};

TEST_F(ShortModel, ServesWithoutMaxLength) {
  const std::string log = tmp_.file("serve.log");
  ServeProcess s("--model " + dir_, log);
  expect_classifies(s, log);
  EXPECT_NE(read_file(log).find("max length 128 (max_position_embeddings)"), std::string::npos)
      << read_file(log);
}

TEST_F(ShortModel, ServesWithMaxLength) {
  const std::string log = tmp_.file("serve.log");
  ServeProcess s("--model " + dir_ + " --max-length 64", log);
  expect_classifies(s, log);
}

TEST_F(ShortModel, MaxLengthBeyondThePositionsIsRefusedAtStart) {
  const std::string log = tmp_.file("serve.log");
  ServeProcess s("--model " + dir_ + " --max-length 256", log);
  EXPECT_FALSE(s.wait_ready());
  EXPECT_NE(s.exit_status(), 0);
  EXPECT_NE(read_file(log).find("--max-length 256: must be in [2, 128]"), std::string::npos)
      << read_file(log);
}

TEST_F(ShortModel, PredictDefaultsToThePositions) {
  const testing::CliOutput o =
      testing::run_bertq("predict --model " + dir_ + " --threads 1 '" + long_text_ + "'", true);
  ASSERT_EQ(o.status, 0) << o.text;
  EXPECT_NE(o.text.find("\"label\""), std::string::npos) << o.text;
}

}  // namespace
}  // namespace bertq
