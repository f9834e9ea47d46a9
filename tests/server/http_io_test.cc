// The server's I/O layer and security over loopback with the fake backend: hundreds of slow
// (slowloris) connections do not starve normal requests, header deadlines close slow
// connections, connection caps answer a fast 503, keep-alive limits, API keys (401 / 200, probes
// open), TLS with a self-signed pair made here, and the KServe v2 routes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "common/test_util.h"
#include "fake_backend.h"
#include "prom_parser.h"
#include "test_server_util.h"

namespace bertq::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeBackend;
using testing::RunningServer;
using Clock = std::chrono::steady_clock;

ServerOptions options() {
  ServerOptions o;
  o.batcher.max_batch = 16;
  o.batcher.max_wait = 2ms;
  o.http.handler_threads = 8;
  return o;
}

// A raw TCP connection to the server, for clients that misbehave.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool send(const std::string& s) {
    return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size());
  }
  // What the server sends until it closes or `timeout` passes; `closed` says which.
  std::string read_all(std::chrono::milliseconds timeout, bool* closed) {
    timeval tv{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    *closed = false;
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        out.append(buf, size_t(n));
        continue;
      }
      *closed = n == 0 || (n < 0 && errno == ECONNRESET);
      return out;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

const char* kJsonType = "application/json";

// Waits (up to 5 s) until the server counts `n` open connections: accepting and closing are
// asynchronous, and a loaded machine may take a while.
bool wait_open_connections(const Server& server, size_t n) {
  for (int i = 0; i < 500 && server.open_connections() != n; ++i) std::this_thread::sleep_for(10ms);
  return server.open_connections() == n;
}

TEST(HttpIo, SlowClientsDoNotStarveOthers) {
  FakeBackend backend;
  ServerOptions o = options();
  o.http.max_connections_per_client = 2000;
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  // 150 connections stuck in their headers and 150 in their bodies (4 of 100 bytes sent): with
  // a thread per connection (the server before), these held every thread and normal requests
  // timed out. More than handler_threads (8) by far.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 300; ++i) {
    auto c = std::make_unique<RawConnection>(s.port());
    ASSERT_TRUE(c->connected()) << i;
    const std::string head = "POST /v1/classify HTTP/1.1\r\nHost: x\r\n";
    ASSERT_TRUE(
        c->send(i % 2 == 0 ? head + "X-Slow: 1\r\n" : head + "Content-Length: 100\r\n\r\n{\"te"));
    slow.push_back(std::move(c));
  }
  EXPECT_TRUE(wait_open_connections(s.server(), 300)) << s.server().open_connections();
  auto c = s.client();
  c->set_read_timeout(5, 0);  // the old server did not answer within 20 s
  std::vector<double> ms;
  for (int i = 0; i < 40; ++i) {
    const auto t0 = Clock::now();
    auto r = c->Post("/v1/classify", json{{"text", "fine " + std::to_string(i)}}.dump(), kJsonType);
    ASSERT_TRUE(r) << "request " << i << ": " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200) << r->body;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("with 300 slow connections open: median %.1f ms, max %.1f ms\n", ms[ms.size() / 2],
              ms.back());
}

TEST(HttpIo, DeadlinesCloseSlowConnections) {
  FakeBackend backend;
  ServerOptions o = options();
  o.http.header_timeout = 300ms;
  o.http.body_timeout = 300ms;
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  RawConnection headers(s.port()), body(s.port()), idle(s.port());
  ASSERT_TRUE(headers.send("POST /v1/classify HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(body.send("POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"));
  bool closed = false;
  const auto t0 = Clock::now();
  headers.read_all(3000ms, &closed);
  EXPECT_TRUE(closed) << "a connection stuck in its headers stays open";
  body.read_all(3000ms, &closed);
  EXPECT_TRUE(closed) << "a connection stuck in its body stays open";
  idle.read_all(3000ms, &closed);
  EXPECT_TRUE(closed) << "an idle connection stays open";
  EXPECT_LT(Clock::now() - t0, 2500ms);
  // Counted as 408s (the partial ones; an idle connection is not a request).
  // (The stream closes itself at the deadline and the count follows on the I/O thread: poll.)
  double timeouts = 0;
  for (int i = 0; i < 100 && timeouts < 2; ++i) {
    std::this_thread::sleep_for(10ms);
    const auto m = testing::parse_prometheus(s.client()->Get("/metrics")->body);
    timeouts = m.value("bertq_http_requests_total", {{"status", "408"}});
  }
  EXPECT_EQ(timeouts, 2);
}

TEST(HttpIo, ConnectionCapsAnswerAFast503) {
  FakeBackend backend;
  ServerOptions o = options();
  o.http.max_connections_per_client = 3;
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(s.port()));
  ASSERT_TRUE(wait_open_connections(s.server(), 3)) << s.server().open_connections();
  auto c = s.client();
  auto r = c->Get("/healthz");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "too_many_connections");
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  held.clear();
  ASSERT_TRUE(wait_open_connections(s.server(), 0)) << s.server().open_connections();
  r = s.client()->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The global cap likewise.
  ServerOptions g = options();
  g.http.max_connections = 2;
  RunningServer s2(backend, g);
  RawConnection a(s2.port()), b(s2.port());
  ASSERT_TRUE(wait_open_connections(s2.server(), 2)) << s2.server().open_connections();
  r = s2.client()->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

TEST(HttpIo, KeepAliveLimitAndMalformedRequests) {
  FakeBackend backend;
  ServerOptions o = options();
  o.http.keep_alive_max_requests = 2;
  RunningServer s(backend, o);
  RawConnection k(s.port());
  ASSERT_TRUE(
      k.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  const std::string got = k.read_all(3000ms, &closed);
  EXPECT_TRUE(closed);
  size_t answers = 0;
  for (size_t p = got.find("HTTP/1.1 200"); p != std::string::npos;
       p = got.find("HTTP/1.1 200", p + 1))
    ++answers;
  EXPECT_EQ(answers, 2u) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;

  RawConnection bad(s.port());
  ASSERT_TRUE(bad.send("THIS IS NOT HTTP\r\n\r\n"));
  EXPECT_EQ(bad.read_all(3000ms, &closed).substr(0, 12), "HTTP/1.1 400");
  RawConnection huge(s.port());
  ASSERT_TRUE(huge.send("GET /healthz HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n"));
  EXPECT_EQ(huge.read_all(3000ms, &closed).substr(0, 12), "HTTP/1.1 431");
}

TEST(HttpIo, ApiKeysGuardTheModelRoutes) {
  FakeBackend backend;
  ::bertq::testing::TempDir tmp;
  std::ofstream(tmp.file("keys")) << "k-one\nk-two\n";
  ServerOptions o = options();
  o.keys = ApiKeys::load(tmp.file("keys"), nullptr);
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  auto c = s.client();
  const std::string body = json{{"text", "hi"}}.dump();
  auto r = c->Post("/v1/classify", body, kJsonType);  // missing
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "unauthorized");
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
  r = c->Post("/v1/classify", {{"Authorization", "Bearer wrong"}}, body, kJsonType);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body.find("wrong"), std::string::npos) << "a key in an answer: " << r->body;
  r = c->Post("/v1/classify", {{"Authorization", "Bearer k-two"}}, body, kJsonType);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = c->Post("/v2/models/bertq/infer", json{{"inputs", json::array()}}.dump(), kJsonType);
  EXPECT_EQ(r->status, 401);
  for (const char* open :
       {"/healthz", "/readyz", "/metrics", "/openapi.json", "/v2/health/ready"}) {
    r = c->Get(open);
    ASSERT_TRUE(r) << open;
    EXPECT_EQ(r->status, 200) << open;
  }
  // Metrics behind the keys when asked.
  ServerOptions m = o;
  m.metrics_need_key = true;
  RunningServer s2(backend, m);
  EXPECT_EQ(s2.client()->Get("/metrics")->status, 401);
  EXPECT_EQ(s2.client()->Get("/metrics", {{"Authorization", "Bearer k-one"}})->status, 200);
  EXPECT_EQ(s2.client()->Get("/healthz")->status, 200);
}

TEST(HttpIo, Tls) {
  ::bertq::testing::TempDir tmp;
  const std::string cert = tmp.file("cert.pem"), key = tmp.file("key.pem");
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    GTEST_SKIP() << "the openssl tool is missing (scripts/setup.sh)";
  FakeBackend backend;
  ServerOptions o = options();
  o.http.tls = {cert, key};
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  httplib::SSLClient c("127.0.0.1", s.port());
  c.set_ca_cert_path(cert.c_str());
  c.enable_server_certificate_verification(true);
  auto r = c.Post("/v1/classify", json{{"text", "over TLS"}}.dump(), kJsonType);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["results"][0]["label"],
            testing::fake_result(testing::item("over TLS")).label);
  // Plain HTTP to the TLS port gets no answer.
  auto plain = s.client();
  plain->set_read_timeout(2, 0);
  auto p = plain->Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);
  // TLS 1.1 is refused (TLS 1.2 or later only).
  const std::string old = "echo | openssl s_client -connect 127.0.0.1:" + std::to_string(s.port()) +
                          " -tls1_1 >/dev/null 2>&1";
  EXPECT_NE(std::system(old.c_str()), 0) << "a TLS 1.1 handshake succeeded";
  const std::string ok = "echo | openssl s_client -connect 127.0.0.1:" + std::to_string(s.port()) +
                         " -tls1_2 >/dev/null 2>&1";
  EXPECT_EQ(std::system(ok.c_str()), 0) << "a TLS 1.2 handshake failed";
  // Bad files: clear errors naming them.
  ServerOptions bad = options();
  bad.http.tls = {tmp.file("absent.pem"), key};
  EXPECT_THROW(Server(backend, bad), Error);
  bad.http.tls = {key, key};
  EXPECT_THROW(Server(backend, bad), Error);
}

TEST(HttpIo, KServeV2Routes) {
  FakeBackend backend;
  ServerOptions o = options();
  o.model_name = "imdb";
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  auto c = s.client();
  EXPECT_EQ(c->Get("/v2/health/live")->status, 200);
  EXPECT_EQ(c->Get("/v2/health/ready")->status, 200);
  EXPECT_EQ(c->Get("/v2/models/imdb/ready")->status, 200);
  auto meta = c->Get("/v2/models/imdb");
  ASSERT_EQ(meta->status, 200);
  EXPECT_EQ(json::parse(meta->body)["name"], "imdb");
  auto missing = c->Get("/v2/models/other");
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(json::parse(missing->body)["error"].is_string());
  const std::vector<std::string> texts = {"a fine film", "bad"};
  const json req = {
      {"inputs", {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {2}}, {"data", texts}}}},
      {"outputs", {{{"name", "label"}}, {{"name", "probabilities"}}}}};
  auto r = c->Post("/v2/models/imdb/infer", req.dump(), kJsonType);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  for (size_t i = 0; i < texts.size(); ++i) {
    const ClassifyResult want = testing::fake_result(testing::item(texts[i]));
    EXPECT_EQ(j["outputs"][0]["data"][i], want.label);
    EXPECT_EQ(j["outputs"][1]["data"][2 * i + 1].get<float>(), want.probs[1]);
  }
  auto bad = c->Post("/v2/models/imdb/infer", "{\"inputs\": 1}", kJsonType);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(json::parse(bad->body)["error"].is_string());
  auto doc = c->Get("/openapi.json");
  ASSERT_EQ(doc->status, 200);
  EXPECT_TRUE(json::parse(doc->body)["paths"].contains("/v2/models/{model}/infer"));
}

}  // namespace
}  // namespace bertq::server
