// The HTTP inference server: routes (api_json.h), dynamic batching (batcher.h), metrics
// (metrics.h) over one Backend. Binds 127.0.0.1 unless told otherwise.
//   POST /v1/classify, POST / (Hugging Face text-classification), GET /healthz (the process
//   answers), GET /readyz (200 once the model is warmed up, else 503), GET /metrics
//   (Prometheus text). Other methods on these paths: 405 with Allow; other paths: 404.
// Every error answer has a JSON body {"error": {"code", "message"}}; a handler's exception
// is a 500 and the server keeps serving. stop() (any thread, e.g. on SIGTERM) stops
// accepting, lets in-flight requests finish, then stops the batcher; serve() then returns.
//
//   auto backend = make_classifier_backend("models/imdb", 0);
//   ServerOptions o;  o.port = 0;                 // any free port
//   Server server(*backend, o);
//   int port = server.bind();                     // throws Error(IO) if it cannot
//   std::thread t([&] { server.serve(); });       // warms up in the background, then ready
//   ...  server.stop();  t.join();
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/api_json.h"
#include "server/backend.h"
#include "server/batcher.h"
#include "server/metrics.h"

namespace httplib {
class Server;
}

namespace bertq::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port (see bind())
  BatcherOptions batcher;
  Limits limits;
  std::chrono::milliseconds request_timeout{30000};  // 504 when a request takes longer
  int http_threads = 64;  // connection threads; a keep-alive connection holds one
  int retry_after_s = 1;  // Retry-After of a 503 when the queue is full
  bool warm_up = true;
};

class Server {
 public:
  Server(Backend& backend, ServerOptions options);  // backend must outlive the server
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port and returns the port (the chosen one for port 0). Throws Error(IO).
  int bind();
  // Serves until stop(); warms the backend up in the background first (see /readyz). Rethrows
  // a warm-up failure after shutting down. Call bind() first.
  void serve();
  void stop();  // thread-safe, idempotent

  int port() const { return port_; }
  bool ready() const { return ready_.load(); }
  const Metrics& metrics() const { return metrics_; }

 private:
  void install_routes();
  void handle_classify(const std::string& body, bool hf, int& status, std::string& out,
                       std::string& retry_after) const;

  Backend& backend_;
  const ServerOptions options_;
  Metrics metrics_;
  std::unique_ptr<Batcher> batcher_;
  std::unique_ptr<httplib::Server> http_;
  std::vector<std::string> labels_;
  int port_ = -1;
  std::atomic<bool> ready_{false}, stopping_{false};
  std::thread warm_thread_;
  std::exception_ptr warm_error_;
};

}  // namespace bertq::server
