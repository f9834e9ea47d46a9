// The route table: matching (fixed paths and the {model} segment), and the OpenAPI document
// listing every route with its method, and bearer security exactly on the keyed routes.
#include "server/routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/openapi.h"

namespace bertq::server {
namespace {

using nlohmann::json;

TEST(Routes, Match) {
  std::string model;
  ASSERT_NE(match_route("/v1/classify", &model), nullptr);
  EXPECT_EQ(match_route("/v1/classify", &model)->id, RouteId::CLASSIFY);
  EXPECT_EQ(match_route("/", &model)->id, RouteId::HF);
  const Route* r = match_route("/v2/models/imdb/infer", &model);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, RouteId::V2_INFER);
  EXPECT_EQ(model, "imdb");
  EXPECT_EQ(match_route("/v2/models/imdb", &model)->id, RouteId::V2_MODEL);
  EXPECT_EQ(match_route("/v2/models/imdb/ready", &model)->id, RouteId::V2_MODEL_READY);
  EXPECT_EQ(match_route("/v2/models//infer", &model), nullptr);     // empty name
  EXPECT_EQ(match_route("/v2/models/a/b/infer", &model), nullptr);  // two segments
  EXPECT_EQ(match_route("/v1/classify/", &model), nullptr);
  EXPECT_EQ(match_route("/nope", &model), nullptr);
}

TEST(Routes, OpenApiDocumentsEveryRoute) {
  for (bool keys : {false, true}) {
    const json doc = json::parse(openapi_document({"1.0", "imdb", keys, false}));
    EXPECT_EQ(doc["openapi"], "3.0.3");
    size_t operations = 0;
    for (const auto& [path, item] : doc["paths"].items()) operations += item.size();
    EXPECT_EQ(operations, std::size(kRoutes));
    for (const Route& r : kRoutes) {
      std::string method = r.method;
      for (char& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
      ASSERT_TRUE(doc["paths"].contains(r.path)) << r.path;
      ASSERT_TRUE(doc["paths"][r.path].contains(method)) << r.path << " " << method;
      const json& op = doc["paths"][r.path][method];
      EXPECT_TRUE(op["responses"].contains("200")) << r.path;
      EXPECT_EQ(op.contains("security"), keys && r.access == Access::MODEL) << r.path;
      if (std::string(r.method) == "POST") {
        EXPECT_TRUE(op.contains("requestBody")) << r.path;
      }
    }
    EXPECT_EQ(doc["components"].contains("securitySchemes"), keys);
  }
  const json guarded = json::parse(openapi_document({"1.0", "imdb", true, true}));
  EXPECT_TRUE(guarded["paths"]["/metrics"]["get"].contains("security"));
}

}  // namespace
}  // namespace bertq::server
