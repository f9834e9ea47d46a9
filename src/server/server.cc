// Server (see server.h): listener -> route table (routes.h) -> API keys -> api_json / kserve_v2
// parsing -> Batcher -> answers. Every answer, the listener's own refusals included, is recorded
// in the metrics before it is written, so a client that has its answer sees it counted.
#include "server/server.h"

#include <chrono>

#include "core/error.h"
#include "core/log.h"
#include "server/kserve_v2.h"
#include "server/openapi.h"

namespace bertq::server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kJson = "application/json";

HttpResponse json_answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse error_answer(const ApiError& e) {
  return json_answer(e.status, error_body(e));
}

bool is_v2(const Route* r) {
  return r != nullptr && std::string_view(r->path).substr(0, 3) == "/v2";
}

// An error in the shape of its route: the protocol's {"error": "message"} on the v2 routes,
// {"error": {"code", "message"}} elsewhere.
HttpResponse api_error(const ApiError& e, bool v2) {
  return json_answer(e.status, v2 ? v2_error_body(e) : error_body(e));
}

// A batch that did not succeed, as an API error.
ApiError outcome_error(const BatchOutcome& r, const ServerOptions& o) {
  switch (r.status) {
    case BatchStatus::QUEUE_FULL:
      return {503, "overloaded", r.message};
    case BatchStatus::SHUTTING_DOWN:
      return {503, "shutting_down", r.message};
    case BatchStatus::TIMEOUT:
      return {504, "timeout", cat(r.message, " (limit ", o.request_timeout.count(), " ms)")};
    case BatchStatus::INVALID_INPUT:
      return {422, "invalid_input", r.message};
    case BatchStatus::OK:
    case BatchStatus::INTERNAL:
      break;
  }
  return {500, "internal", r.message};
}

// The answer to a failed batch, with the Retry-After of an overload.
HttpResponse batch_failure(const BatchOutcome& r, const ServerOptions& o, bool v2) {
  HttpResponse res = api_error(outcome_error(r, o), v2);
  if (r.status == BatchStatus::QUEUE_FULL)
    res.headers.emplace_back("Retry-After", std::to_string(o.retry_after_s));
  return res;
}

}  // namespace

Server::Server(Backend& backend, ServerOptions options)
    : backend_(backend), options_(std::move(options)) {
  check(options_.port >= 0 && options_.port <= 65535, ErrorCode::INVALID_ARGUMENT, "port ",
        options_.port, ": must be in [0, 65535]");
  check(options_.request_timeout.count() > 0, ErrorCode::INVALID_ARGUMENT,
        "request timeout: must be positive");
  check(!options_.model_name.empty() && options_.model_name.find('/') == std::string::npos,
        ErrorCode::INVALID_ARGUMENT, "model name \"", options_.model_name,
        "\": must be non-empty without '/' (it is a URL path segment)");
  labels_ = backend_.labels();
  batcher_ = std::make_unique<Batcher>(backend_, options_.batcher, &metrics_);
  options_.http.max_body_bytes = options_.limits.max_body_bytes;
  HttpHandler& routes = *this;  // the base is private: converted here, inside Server
  http_ = std::make_unique<HttpListener>(options_.http, routes);
}

Server::~Server() {
  stop();
  if (warm_thread_.joinable()) warm_thread_.join();
}

HttpResponse Server::refuse(int status, const std::string& code, const std::string& message,
                            const std::string& path) {
  std::string model;
  const Route* r = match_route(path, &model);
  metrics_.record_request(r != nullptr ? r->path : "", status, 0);
  return api_error({status, code, message}, is_v2(r));
}

HttpResponse Server::handle(const HttpRequest& request) {
  const auto t0 = Clock::now();
  const Route* matched = nullptr;
  HttpResponse res;
  try {
    res = route(request, matched);
  } catch (const std::exception& e) {
    res = error_answer({500, "internal", e.what()});
  }
  metrics_.record_request(matched != nullptr ? matched->path : "", res.status,
                          std::chrono::duration<double>(Clock::now() - t0).count());
  return res;
}

void Server::reload_keys() {
  options_.keys.reload();
}

HttpResponse Server::route(const HttpRequest& req, const Route*& matched) {
  std::string model;
  matched = match_route(req.path, &model);
  const Route* r = matched;
  if (r == nullptr) return error_answer({404, "not_found", cat(req.path, ": no such route")});
  // Errors on the v2 routes in the protocol's shape ({"error": "message"}).
  auto refuse = [r](const ApiError& e) { return api_error(e, is_v2(r)); };
  if (req.method != r->method) {
    HttpResponse res =
        refuse({405, "method_not_allowed",
                cat(req.method, " ", req.path, ": method not allowed (use ", r->method, ")")});
    res.headers.emplace_back("Allow", r->method);
    return res;
  }
  const bool keyed =
      r->access == Access::MODEL || (r->access == Access::METRICS && options_.metrics_need_key);
  if (keyed && options_.keys.enabled() && !options_.keys.allows(req.header("authorization"))) {
    HttpResponse res = refuse({401, "unauthorized",
                               req.header("authorization").empty()
                                   ? "this route needs an API key: send `Authorization: Bearer KEY`"
                                   : "the API key is not valid"});
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  if (!model.empty() && model != options_.model_name) {
    return api_error(
        {404, "model_not_found",
         cat("model \"", model, "\" is not served here (", options_.model_name, " is)")},
        true);
  }
  const bool ready = ready_.load() && !stopping_.load();
  const ApiError not_ready{
      503, "not_ready",
      stopping_.load() ? "the server is shutting down" : "the model is warming up"};
  switch (r->id) {
    case RouteId::CLASSIFY:
      return classify(req, false);
    case RouteId::HF:
      return classify(req, true);
    case RouteId::HEALTHZ:
      return json_answer(200, "{\"status\":\"ok\"}");
    case RouteId::READYZ:
      return ready ? json_answer(200, "{\"status\":\"ready\"}") : error_answer(not_ready);
    case RouteId::METRICS: {
      metrics_.set_queue_depth(batcher_->queue_depth());
      HttpResponse res = json_answer(200, metrics_.render());
      res.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return res;
    }
    case RouteId::OPENAPI:
      return json_answer(
          200, openapi_document({BERTQ_VERSION, options_.model_name, options_.keys.enabled(),
                                 options_.metrics_need_key}));
    case RouteId::V2_SERVER:
      return json_answer(200, v2_server_metadata(BERTQ_VERSION));
    case RouteId::V2_LIVE:
      return json_answer(200, "{\"live\":true}");
    case RouteId::V2_READY:
    case RouteId::V2_MODEL_READY:
      return ready ? json_answer(200, "{\"ready\":true}") : api_error(not_ready, true);
    case RouteId::V2_MODEL:
      return json_answer(200, v2_model_metadata(options_.model_name, labels_.size()));
    case RouteId::V2_INFER:
      return v2_infer(req);
  }
  return error_answer({500, "internal", "unrouted path"});
}

HttpResponse Server::classify(const HttpRequest& req, bool hf) {
  const ParsedRequest p = hf ? parse_hf_request(req.body, options_.limits)
                             : parse_classify_request(req.body, options_.limits);
  if (p.error) return error_answer(*p.error);
  const BatchOutcome r = batcher_->run(p.request.items, Clock::now() + options_.request_timeout);
  if (r.status == BatchStatus::OK) {
    return json_answer(200, hf ? hf_response(p.request, r.results, labels_)
                               : classify_response(p.request, r.results));
  }
  return batch_failure(r, options_, false);
}

HttpResponse Server::v2_infer(const HttpRequest& req) {
  const V2Parsed p =
      parse_v2_infer(req.body, req.header("inference-header-content-length"), options_.limits);
  if (p.error) return api_error(*p.error, true);
  const BatchOutcome r =
      batcher_->run(p.request.classify.items, Clock::now() + options_.request_timeout);
  if (r.status != BatchStatus::OK) return batch_failure(r, options_, true);
  V2Answer a = v2_infer_response(p.request, r.results, options_.model_name, labels_.size());
  HttpResponse res = json_answer(200, std::move(a.body));
  res.content_type = a.content_type;
  if (a.json_size)
    res.headers.emplace_back("Inference-Header-Content-Length", std::to_string(*a.json_size));
  return res;
}

int Server::bind() {
  port_ = http_->bind(options_.host, options_.port);
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
  http_->run();  // returns after stop(), connections drained
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
}

void Server::stop() {
  stopping_.store(true);
  if (http_) http_->stop();
}

}  // namespace bertq::server
