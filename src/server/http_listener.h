// The server's HTTP/1.1 I/O: event-driven (Boost.Beast over Asio), so a connection costs no
// thread while it waits. A few I/O threads read and write every connection asynchronously; a
// request is handed to a handler thread only once its headers and body are complete, so slow
// or idle clients (slowloris) cannot hold the threads that answer the others.
//
// Defences, each with its own answer:
// - header deadline: a request's headers (and, on a keep-alive connection, the wait for the
//   next request; with TLS, the handshake) must arrive within header_timeout, else the
//   connection is closed;
// - body deadline: the body must arrive within body_timeout (also the deadline for writing an
//   answer to a slow reader), else the connection is closed;
// - caps: at most max_connections open connections, max_connections_per_client from one peer
//   address; beyond, a new connection gets a fast 503 and is closed;
// - sizes: headers over max_header_bytes -> 431, a body over max_body_bytes -> 413 (from
//   Content-Length, before it is read), an unparsable request -> 400; then the connection closes;
// - keep-alive: at most keep_alive_max_requests requests per connection.
// TLS (OpenSSL through Asio) when tls.cert_file / key_file are set: TLS 1.2 or later.
//
// stop() (any thread): stops accepting, closes connections waiting for a request, lets
// requests being read or handled finish and be answered (with Connection: close), then run()
// returns.
//
//   class MyHandler : public HttpHandler { ... };
//   HttpListener l(options, handler);
//   int port = l.bind("127.0.0.1", 0);   // throws Error(IO)
//   std::thread t([&] { l.run(); });     // until stop()
//   ... l.stop(); t.join();
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::server {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // the target without its query string
  std::string query;                                         // after '?', "" when none
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string client;  // the peer's address

  // The first header named `name` (lower case), "" when absent.
  std::string_view header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
};

// The routes and the error bodies: the server's side of the listener.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // A complete request, on a handler thread (may block). Exceptions become a 500.
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  // The listener's own answers (400, 413, 431, 503 over a connection cap, 500): the body and
  // headers for `status`, recorded as an answer to `path` ("" when the request line was not read).
  virtual HttpResponse refuse(int status, const std::string& code, const std::string& message,
                              const std::string& path) = 0;
};

struct TlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

struct ListenerOptions {
  int io_threads = 2;        // threads doing all socket I/O
  int handler_threads = 64;  // complete requests handled at once (each may wait for a batch)
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  int keep_alive_max_requests = 1000;
  size_t max_connections = 4096;
  size_t max_connections_per_client = 512;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16384;
  TlsOptions tls;

  // INVALID_ARGUMENT naming the option (as its --flag) when out of range.
  void validate() const;
};

class HttpListener {
 public:
  // `handler` must outlive the listener. Loads the TLS certificate and key when set (NOT_FOUND /
  // INVALID_ARGUMENT naming the file).
  HttpListener(ListenerOptions options, HttpHandler& handler);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Listens on host:port (0 = any free port) and returns the port. Throws Error(IO).
  int bind(const std::string& host, int port);
  // Serves until stop() and the drain; call bind() first.
  void run();
  void stop();  // thread-safe, idempotent; also before run()
  bool stopping() const;
  size_t open_connections() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bertq::server
