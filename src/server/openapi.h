// The OpenAPI 3.0 document of every route (routes.h's table), served at GET /openapi.json:
// paths, methods, request bodies and answers (JSON Schemas), and the bearer-key security of the
// model routes when the server has API keys.
#pragma once

#include <string>

namespace bertq::server {

struct OpenApiInfo {
  std::string version;     // bertq's
  std::string model_name;  // the {model} of the KServe v2 routes
  bool api_keys = false;   // the model routes need `Authorization: Bearer KEY`
  bool metrics_need_key = false;
};

std::string openapi_document(const OpenApiInfo& info);

}  // namespace bertq::server
