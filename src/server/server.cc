// Server (see server.h): httplib routes -> api_json parsing -> Batcher -> JSON answers.
// Metrics are recorded in httplib's post-routing hook, which runs for every answer (including
// httplib's own 400/404/413) just before it is written, so a client that has its answer
// sees it counted in /metrics. The time is measured from the pre-routing hook of the same
// connection thread.
#include "server/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/log.h"

namespace bertq::server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kJson = "application/json";

// Set when a request is routed on this connection thread; read (and cleared) by post-routing.
thread_local Clock::time_point t_request_start{};

const char* code_for_status(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "body_too_large";
    case 414:
      return "uri_too_long";
    case 500:
      return "internal";
    case 503:
      return "unavailable";
    case 504:
      return "timeout";
    default:
      return status < 500 ? "bad_request" : "internal";
  }
}

// httplib stopped reading at the body limit (set_payload_max_length).
std::string body_too_large(const Limits& limits) {
  return error_body({413, "body_too_large",
                     cat("request body exceeds the limit of ", limits.max_body_bytes,
                         " bytes per request body")});
}

void set_error(httplib::Response& res, int status, const std::string& code,
               const std::string& message) {
  res.status = status;
  res.set_content(error_body({status, code, message}), kJson);
}

// httplib 0.11 listens with a backlog of 5: a burst of new connections (clients without
// keep-alive, wrk opening 32 at once) overflows it and some handshakes stall or reset.
// listen() again on the bound socket raises the backlog (Linux updates it in place).
class HttpServer : public httplib::Server {
 public:
  bool raise_backlog(int backlog) {
    const socket_t fd = svr_sock_;
    return fd != INVALID_SOCKET && ::listen(fd, backlog) == 0;
  }
};

struct Route {
  const char* path;
  const char* method;  // the one allowed
};
constexpr Route kRoutes[] = {{"/v1/classify", "POST"},
                             {"/", "POST"},
                             {"/healthz", "GET"},
                             {"/readyz", "GET"},
                             {"/metrics", "GET"}};

}  // namespace

Server::Server(Backend& backend, ServerOptions options)
    : backend_(backend), options_(std::move(options)) {
  check(options_.port >= 0 && options_.port <= 65535, ErrorCode::INVALID_ARGUMENT, "port ",
        options_.port, ": must be in [0, 65535]");
  check(options_.http_threads >= 1, ErrorCode::INVALID_ARGUMENT, "http threads ",
        options_.http_threads, ": must be at least 1");
  check(options_.request_timeout.count() > 0, ErrorCode::INVALID_ARGUMENT,
        "request timeout: must be positive");
  labels_ = backend_.labels();
  batcher_ = std::make_unique<Batcher>(backend_, options_.batcher, &metrics_);
  http_ = std::make_unique<HttpServer>();
  install_routes();
}

Server::~Server() {
  stop();
  if (warm_thread_.joinable()) warm_thread_.join();
}

void Server::handle_classify(const std::string& body, bool hf, int& status, std::string& out,
                             std::string& retry_after) const {
  const ParsedRequest p =
      hf ? parse_hf_request(body, options_.limits) : parse_classify_request(body, options_.limits);
  if (p.error) {
    status = p.error->status;
    out = error_body(*p.error);
    return;
  }
  BatchOutcome r = batcher_->run(p.request.items, Clock::now() + options_.request_timeout);
  switch (r.status) {
    case BatchStatus::OK:
      status = 200;
      out =
          hf ? hf_response(p.request, r.results, labels_) : classify_response(p.request, r.results);
      return;
    case BatchStatus::QUEUE_FULL:
      status = 503;
      retry_after = std::to_string(options_.retry_after_s);
      out = error_body({503, "overloaded", r.message});
      return;
    case BatchStatus::SHUTTING_DOWN:
      status = 503;
      out = error_body({503, "shutting_down", r.message});
      return;
    case BatchStatus::TIMEOUT:
      status = 504;
      out = error_body(
          {504, "timeout", cat(r.message, " (limit ", options_.request_timeout.count(), " ms)")});
      return;
    case BatchStatus::INVALID_INPUT:
      status = 422;
      out = error_body({422, "invalid_input", r.message});
      return;
    case BatchStatus::INTERNAL:
      status = 500;
      out = error_body({500, "internal", r.message});
      return;
  }
}

void Server::install_routes() {
  httplib::Server& h = *http_;
  const int threads = options_.http_threads;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
  h.set_payload_max_length(options_.limits.max_body_bytes);
  h.set_keep_alive_max_count(100000);
  h.set_keep_alive_timeout(5);
  h.set_tcp_nodelay(true);

  // Routes with a content reader: the body is read here whatever its Content-Type. Without one,
  // httplib (the compiled Debian library) parses an application/x-www-form-urlencoded body
  // (what `curl -d` sends) as a form and answers 413 beyond its built-in 8 KiB, far below
  // --max-body-bytes; the body limit itself still applies (set_payload_max_length).
  auto classify = [this](bool hf) {
    return [this, hf](const httplib::Request&, httplib::Response& res,
                      const httplib::ContentReader& read) {
      int status = 500;
      std::string request_body, body, retry_after;
      try {
        const bool complete = read([&](const char* data, size_t n) {
          request_body.append(data, n);
          return true;
        });
        if (!complete && res.status == 413) {  // httplib stopped at the body limit
          status = 413;
          body = body_too_large(options_.limits);
        } else if (!complete) {
          status = 400;
          body = error_body({400, "bad_request", "the request body could not be read"});
        } else {
          handle_classify(request_body, hf, status, body, retry_after);
        }
      } catch (const std::exception& e) {
        status = 500;
        body = error_body({500, "internal", e.what()});
      }
      res.status = status;
      if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
      res.set_content(body, kJson);
    };
  };
  h.Post("/v1/classify", classify(false));
  h.Post("/", classify(true));
  h.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", kJson);
  });
  h.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (ready_.load() && !stopping_.load()) {
      res.set_content("{\"status\":\"ready\"}", kJson);
    } else {
      set_error(res, 503, "not_ready",
                stopping_.load() ? "the server is shutting down" : "the model is warming up");
    }
  });
  h.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    metrics_.set_queue_depth(batcher_->queue_depth());
    res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Known paths with another method: 405 and the allowed one.
  for (const Route& r : kRoutes) {
    const std::string allow = r.method;
    auto not_allowed = [allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow);
      set_error(res, 405, "method_not_allowed",
                cat(req.method, " ", req.path, ": method not allowed (use ", allow, ")"));
    };
    if (allow != "GET") h.Get(r.path, not_allowed);
    if (allow != "POST") h.Post(r.path, not_allowed);
    h.Put(r.path, not_allowed);
    h.Patch(r.path, not_allowed);
    h.Delete(r.path, not_allowed);
    h.Options(r.path, not_allowed);
  }

  h.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own errors (404, 413, 400 for an unparsable request) get a JSON body too.
  h.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = cat("HTTP ", res.status);
        if (res.status == 404) message = cat(req.path, ": no such route");
        res.set_content(res.status == 413
                            ? body_too_large(options_.limits)
                            : error_body({res.status, code_for_status(res.status), message}),
                        kJson);
        return httplib::Server::HandlerResponse::Handled;
      }));
  h.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        set_error(res, 500, "internal", what);
      });
  h.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    double seconds = 0;
    if (t_request_start != Clock::time_point{}) {
      seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
      t_request_start = Clock::time_point{};
    }
    metrics_.record_request(req.path, res.status, seconds);
    // Stopping: this connection closes after the response; say so, so that a keep-alive client
    // does not send its next request into it.
    if (stopping_.load()) res.set_header("Connection", "close");
  });
}

int Server::bind() {
  port_ = options_.port == 0
              ? http_->bind_to_any_port(options_.host)
              : (http_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  check(port_ > 0, ErrorCode::IO, "cannot listen on ", options_.host, ":", options_.port,
        " (address in use, or not a local address?)");
  check(static_cast<HttpServer&>(*http_).raise_backlog(SOMAXCONN), ErrorCode::IO, "listen on ",
        options_.host, ":", port_, ": cannot raise the backlog: ", std::strerror(errno));
  return port_;
}

void Server::serve() {
  check(port_ > 0, ErrorCode::INTERNAL, "Server::serve called before bind()");
  if (options_.warm_up) {
    warm_thread_ = std::thread([this] {
      try {
        backend_.warm_up(options_.limits.max_length);
        ready_.store(true);
        metrics_.set_ready(true);
      } catch (...) {
        warm_error_ = std::current_exception();
        stop();
      }
    });
  } else {
    ready_.store(true);
    metrics_.set_ready(true);
  }
  // httplib's stop() does nothing before its accept loop runs, so a stop() (SIGTERM) that came
  // after bind() but before that was lost and the server served on. Repeat it once the loop
  // runs.
  std::atomic<bool> listen_returned{false};
  std::thread late_stop([this, &listen_returned] {
    while (!listen_returned.load() && !http_->is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (stopping_.load()) http_->stop();
  });
  const bool ok = http_->listen_after_bind();  // returns after stop(), connections drained
  listen_returned.store(true);
  late_stop.join();
  if (warm_thread_.joinable()) warm_thread_.join();
  batcher_->stop();
  ready_.store(false);
  metrics_.set_ready(false);
  if (warm_error_) {
    try {
      std::rethrow_exception(warm_error_);
    } catch (const Error& e) {
      rethrow_with_context(e, "warming up the model");
    }
  }
  check(ok || stopping_.load(), ErrorCode::IO, "listening on ", options_.host, ":", port_,
        " failed");
}

void Server::stop() {
  stopping_.store(true);
  if (http_) http_->stop();
}

}  // namespace bertq::server
