// The OpenAPI document (see openapi.h). Schemas follow api_json.h and kserve_v2.h.
#include "server/openapi.h"

#include <nlohmann/json.hpp>

#include "server/routes.h"

namespace bertq::server {
namespace {

using nlohmann::json;

json ref(const char* name) {
  return {{"$ref", std::string("#/components/schemas/") + name}};
}

json json_body(json schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

json answer(const char* description, json schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

json schemas() {
  const json truncation = {{"type", "string"},
                           {"enum", {"head", "tail", "head+tail", "longest_first"}}};
  const json max_length = {{"type", "integer"}, {"minimum", 2}};
  const json texts = {{"type", "array"}, {"items", {{"type", "string"}}}};
  json s;
  s["Error"] = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
  s["ClassifyRequest"] = {{"type", "object"},
                          {"description", "Give text or texts."},
                          {"properties",
                           {{"text", {{"type", "string"}}},
                            {"texts", texts},
                            {"max_length", max_length},
                            {"truncation", truncation},
                            {"return_probs", {{"type", "boolean"}}}}}};
  s["ClassifyResponse"] = {
      {"type", "object"},
      {"properties",
       {{"results",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"label", {{"type", "string"}}},
              {"label_id", {{"type", "integer"}}},
              {"score", {{"type", "number"}}},
              {"probs", {{"type", "array"}, {"items", {{"type", "number"}}}}}}}}}}}}}};
  s["HfRequest"] = {{"type", "object"},
                    {"properties",
                     {{"inputs", {{"oneOf", {{{"type", "string"}}, texts}}}},
                      {"parameters",
                       {{"type", "object"},
                        {"properties",
                         {{"top_k", {{"type", "integer"}, {"nullable", true}}},
                          {"truncation", truncation},
                          {"max_length", max_length}}}}}}}};
  s["HfResponse"] = {
      {"type", "array"},
      {"items",
       {{"type", "object"},
        {"properties", {{"label", {{"type", "string"}}}, {"score", {{"type", "number"}}}}}}}};
  const json tensor = {{"type", "object"},
                       {"properties",
                        {{"name", {{"type", "string"}}},
                         {"datatype", {{"type", "string"}}},
                         {"shape", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                         {"parameters", {{"type", "object"}}},
                         {"data", {{"type", "array"}, {"items", json::object()}}}}}};
  s["V2InferRequest"] = {
      {"type", "object"},
      {"required", {"inputs"}},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"parameters", {{"type", "object"}}},
        {"inputs", {{"type", "array"}, {"items", tensor}}},
        {"outputs",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"name",
               {{"type", "string"},
                {"enum", {"label", "label_id", "score", "probabilities", "logits"}}}},
              {"parameters", {{"type", "object"}}}}}}}}}}}};
  s["V2InferResponse"] = {{"type", "object"},
                          {"properties",
                           {{"model_name", {{"type", "string"}}},
                            {"model_version", {{"type", "string"}}},
                            {"id", {{"type", "string"}}},
                            {"outputs", {{"type", "array"}, {"items", tensor}}}}}};
  s["V2Error"] = {{"type", "object"}, {"properties", {{"error", {{"type", "string"}}}}}};
  return s;
}

// Request and 200 answer of each route.
void describe(const Route& r, json& op) {
  const json object = {{"type", "object"}};
  switch (r.id) {
    case RouteId::CLASSIFY:
      op["requestBody"] = json_body(ref("ClassifyRequest"));
      op["responses"]["200"] = answer("One result per text", ref("ClassifyResponse"));
      break;
    case RouteId::HF:
      op["requestBody"] = json_body(ref("HfRequest"));
      op["responses"]["200"] = answer("Labels and scores", ref("HfResponse"));
      break;
    case RouteId::METRICS:
      op["responses"]["200"] = {{"description", "Prometheus text format 0.0.4"},
                                {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}};
      break;
    case RouteId::V2_INFER:
      op["requestBody"] = json_body(ref("V2InferRequest"));
      op["requestBody"]["content"]["application/octet-stream"] = {
          {"schema", {{"type", "string"}, {"format", "binary"}}}};
      op["responses"]["200"] =
          answer("Outputs (binary tensor data extension when asked)", ref("V2InferResponse"));
      break;
    default:
      op["responses"]["200"] = answer("OK", object);
  }
  if (std::string(r.method) == "POST") {
    op["responses"]["400"] = answer("Malformed request", ref("Error"));
    op["responses"]["413"] = answer("Body, text or text count over a limit", ref("Error"));
    op["responses"]["422"] = answer("Invalid request", ref("Error"));
    op["responses"]["503"] = answer("Overloaded (Retry-After) or shutting down", ref("Error"));
    op["responses"]["504"] = answer("Not answered within the request timeout", ref("Error"));
  }
  if (r.id == RouteId::READYZ || r.id == RouteId::V2_READY || r.id == RouteId::V2_MODEL_READY)
    op["responses"]["503"] = answer("Not ready", ref("Error"));
}

}  // namespace

std::string openapi_document(const OpenApiInfo& info) {
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "bertq serve"},
                {"version", info.version},
                {"description", "Text classification with " + info.model_name}}},
              {"paths", json::object()},
              {"components", {{"schemas", schemas()}}}};
  if (info.api_keys)
    doc["components"]["securitySchemes"]["bearer"] = {{"type", "http"}, {"scheme", "bearer"}};
  for (const Route& r : kRoutes) {
    json op = {{"summary", r.summary}, {"operationId", std::string(r.method) + " " + r.path}};
    describe(r, op);
    if (std::string(r.path).find("{model}") != std::string::npos) {
      op["parameters"] = {{{"name", "model"},
                           {"in", "path"},
                           {"required", true},
                           {"schema", {{"type", "string"}, {"enum", {info.model_name}}}}}};
    }
    const bool keyed =
        r.access == Access::MODEL || (r.access == Access::METRICS && info.metrics_need_key);
    if (info.api_keys && keyed) {
      op["security"] = {{{"bearer", json::array()}}};
      op["responses"]["401"] = answer("Missing or unknown API key", ref("Error"));
    }
    std::string method = r.method;
    for (char& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
    doc["paths"][r.path][method] = std::move(op);
  }
  return doc.dump(2);
}

}  // namespace bertq::server
