// SIGTERM drains in-flight requests and the server exits cleanly: a child process (fork)
// serves the fake backend with StopSignals exactly as `bertq serve` does; the parent sends a
// slow request, then SIGTERM, and checks the request still gets its answer and the child
// exits 0 after a real SIGTERM — also when a thread that existed before StopSignals (as the
// pools OpenBLAS and OpenMP start when their libraries load) has the signal unblocked.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <thread>

#include "core/error.h"
#include "fake_backend.h"
#include "server/server.h"
#include "server/stop_signals.h"

namespace bertq::server {
namespace {

using namespace std::chrono_literals;

// Child: serve until a stop signal; exit 0 if it was SIGTERM and serve() returned normally.
[[noreturn]] void child_main(int port_fd, bool early_thread) {
  int code = 10;
  if (early_thread) std::thread([] { pause(); }).detach();  // signals not blocked in it
  try {
    StopSignals signals;
    testing::FakeBackend backend;
    backend.delay_ = 500ms;
    ServerOptions o;
    o.port = 0;
    Server server(backend, o);
    signals.on_stop([&](int, int) { server.stop(); });
    const int port = server.bind();
    if (write(port_fd, &port, sizeof(port)) != sizeof(port)) _exit(11);
    close(port_fd);
    server.serve();
    signals.close();
    code = signals.received() == SIGTERM ? 0 : 12;
  } catch (...) {
    code = 13;
  }
  _exit(code);
}

void sigterm_drains_and_exits_zero(bool early_thread) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], early_thread);
  }
  close(fds[1]);
  int port = 0;
  ASSERT_EQ(read(fds[0], &port, sizeof(port)), ssize_t(sizeof(port)));
  close(fds[0]);
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  bool ready = false;
  for (int i = 0; i < 500 && !ready; ++i) {
    auto r = c.Get("/readyz");
    ready = r && r->status == 200;
    if (!ready) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(ready);
  int status_code = 0;
  std::string body, connection;
  std::thread slow([&] {
    httplib::Client c2("127.0.0.1", port);
    c2.set_read_timeout(10, 0);
    auto r = c2.Post("/v1/classify", "{\"text\": \"drain me\"}", "application/json");
    if (r) {
      status_code = r->status;
      body = r->body;
      connection = r->get_header_value("Connection");
    }
  });
  std::this_thread::sleep_for(150ms);  // the text is inside the (slow) model now
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  slow.join();
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_EQ(status_code, 200) << "in-flight request lost on SIGTERM: " << body;
  const ClassifyResult want = testing::fake_result(testing::item("drain me"));
  EXPECT_NE(body.find(want.label), std::string::npos) << body;
  // The client learns that the connection ends here, instead of sending its next request into
  // a socket the stopping server closes without reading it.
  EXPECT_EQ(connection, "close");
  ASSERT_TRUE(WIFEXITED(wstatus)) << "child killed by signal " << WTERMSIG(wstatus);
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

TEST(StopSignals, SigtermDrainsAndExitsZero) {
  sigterm_drains_and_exits_zero(false);
}

TEST(StopSignals, SigtermReachingAThreadStartedEarlierStillDrains) {
  sigterm_drains_and_exits_zero(true);
}

TEST(StopSignals, OneInstanceAtATime) {
  StopSignals a;
  EXPECT_THROW(StopSignals b, Error);
}

TEST(StopSignals, DestructorWithoutSignalReturns) {
  // The waiter thread must end without a real signal (and not kill the process).
  StopSignals s;
  bool called = false;
  s.on_stop([&](int, int) { called = true; });
  std::this_thread::sleep_for(10ms);
  EXPECT_EQ(s.received(), 0);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace bertq::server

namespace bertq::server {
namespace {

using namespace std::chrono_literals;

// SIGHUP is a reload request (bertq serve re-reads its API keys), not a stop: the reload
// handler runs on the signal thread, received() stays 0, and a later SIGTERM still stops.
TEST(StopSignals, SighupReloadsAndDoesNotStop) {
  StopSignals signals;
  std::atomic<int> reloads{0}, stops{0};
  signals.on_reload([&] { reloads.fetch_add(1); });
  signals.on_stop([&](int, int) { stops.fetch_add(1); });
  ASSERT_EQ(raise(SIGHUP), 0);
  ASSERT_EQ(raise(SIGHUP), 0);
  for (int i = 0; i < 200 && reloads.load() < 2; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(reloads.load(), 2);
  EXPECT_EQ(stops.load(), 0);
  EXPECT_EQ(signals.received(), 0);
  ASSERT_EQ(raise(SIGTERM), 0);
  for (int i = 0; i < 200 && stops.load() < 1; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(stops.load(), 1);
  EXPECT_EQ(signals.received(), SIGTERM);
}

}  // namespace
}  // namespace bertq::server
