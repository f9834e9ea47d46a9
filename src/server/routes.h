// The server's routes, one table: the router (server.cc), the API-key rule and the OpenAPI
// document (openapi.h) all read it, so a route cannot be served without being documented.
// A path may hold one {model} segment (the KServe v2 routes), matched against any name; the
// server answers 404 for a name other than the model it serves.
#pragma once

#include <string>
#include <string_view>

namespace bertq::server {

enum class RouteId {
  CLASSIFY,
  HF,
  HEALTHZ,
  READYZ,
  METRICS,
  OPENAPI,
  V2_SERVER,
  V2_LIVE,
  V2_READY,
  V2_MODEL,
  V2_MODEL_READY,
  V2_INFER
};

// Who may call a route when the server has API keys: anyone (probes and documents), anyone
// unless --metrics-need-key, or a client with a key (the model routes).
enum class Access { OPEN, METRICS, MODEL };

struct Route {
  RouteId id;
  const char* path;    // as documented, e.g. "/v2/models/{model}/infer"
  const char* method;  // the one allowed
  Access access;
  const char* summary;
};

inline constexpr Route kRoutes[] = {
    {RouteId::CLASSIFY, "/v1/classify", "POST", Access::MODEL,
     "Classify one text or a list of texts"},
    {RouteId::HF, "/", "POST", Access::MODEL, "Hugging Face Inference API text-classification"},
    {RouteId::HEALTHZ, "/healthz", "GET", Access::OPEN, "Liveness: the process answers"},
    {RouteId::READYZ, "/readyz", "GET", Access::OPEN,
     "Readiness: 200 once the model is warmed up, 503 before and while draining"},
    {RouteId::METRICS, "/metrics", "GET", Access::METRICS, "Prometheus metrics"},
    {RouteId::OPENAPI, "/openapi.json", "GET", Access::OPEN, "This document"},
    {RouteId::V2_SERVER, "/v2", "GET", Access::OPEN, "KServe v2: server metadata"},
    {RouteId::V2_LIVE, "/v2/health/live", "GET", Access::OPEN, "KServe v2: server liveness"},
    {RouteId::V2_READY, "/v2/health/ready", "GET", Access::OPEN, "KServe v2: server readiness"},
    {RouteId::V2_MODEL, "/v2/models/{model}", "GET", Access::MODEL, "KServe v2: model metadata"},
    {RouteId::V2_MODEL_READY, "/v2/models/{model}/ready", "GET", Access::MODEL,
     "KServe v2: model readiness"},
    {RouteId::V2_INFER, "/v2/models/{model}/infer", "POST", Access::MODEL,
     "KServe v2: classify a BYTES tensor of texts"},
};

// The route whose path matches `path` (any method), nullptr when none; `model` receives the
// {model} segment.
const Route* match_route(std::string_view path, std::string* model);

}  // namespace bertq::server
