// The HTTP inference server: the routes of routes.h (JSON formats: api_json.h, kserve_v2.h;
// document: openapi.h), dynamic batching (batcher.h), metrics (metrics.h) over one Backend, on
// the event-driven listener of http_listener.h (deadlines, connection caps, TLS). Binds
// 127.0.0.1 unless told otherwise.
//   POST /v1/classify, POST / (Hugging Face text-classification), GET /healthz (the process
//   answers), GET /readyz (200 once the model is warmed up, else 503), GET /metrics
//   (Prometheus text), GET /openapi.json, and the KServe v2 routes under /v2.
//   Other methods on these paths: 405 with Allow; other paths: 404.
// With API keys (api_keys.h), the model routes (and /metrics with metrics_need_key) answer 401
// without `Authorization: Bearer KEY`; probes and documents stay open.
// Every error answer has a JSON body {"error": {"code", "message"}} ({"error": "message"} on
// the v2 routes, as the protocol says); a handler's exception is a 500 and the server keeps
// serving. stop() (any thread, e.g. on SIGTERM) stops accepting, lets in-flight requests
// finish, then stops the batcher; serve() then returns.
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
#include "server/api_keys.h"
#include "server/backend.h"
#include "server/batcher.h"
#include "server/http_listener.h"
#include "server/metrics.h"
#include "server/routes.h"

namespace bertq::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port (see bind())
  BatcherOptions batcher;
  Limits limits;
  std::chrono::milliseconds request_timeout{30000};  // 504 when a request takes longer
  // Connections, deadlines, TLS (its max_body_bytes is set from limits.max_body_bytes).
  ListenerOptions http;
  int retry_after_s = 1;  // Retry-After of a 503 when the queue is full
  bool warm_up = true;
  std::string model_name = "bertq";  // the {model} of the KServe v2 routes
  ApiKeys keys;                      // none: every route open
  bool metrics_need_key = false;     // /metrics behind the keys too
};

class Server : private HttpHandler {
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
  // Reads the API key file again (SIGHUP); a failure keeps the keys in use and throws.
  void reload_keys();
  // One request through the routes, as the listener hands it over (tests call it directly).
  HttpResponse handle(const HttpRequest& request) override;

  int port() const { return port_; }
  bool ready() const { return ready_.load(); }
  const Metrics& metrics() const { return metrics_; }
  size_t open_connections() const { return http_->open_connections(); }

 private:
  HttpResponse refuse(int status, const std::string& code, const std::string& message,
                      const std::string& path) override;
  HttpResponse route(const HttpRequest& request, const Route*& matched);
  HttpResponse classify(const HttpRequest& request, bool hf);
  HttpResponse v2_infer(const HttpRequest& request);

  Backend& backend_;
  ServerOptions options_;
  Metrics metrics_;
  std::unique_ptr<Batcher> batcher_;
  std::unique_ptr<HttpListener> http_;
  std::vector<std::string> labels_;
  int port_ = -1;
  std::atomic<bool> ready_{false}, stopping_{false};
  std::thread warm_thread_;
  std::exception_ptr warm_error_;
};

}  // namespace bertq::server
