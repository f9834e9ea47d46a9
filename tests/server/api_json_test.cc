// Request parsing and response formatting of the JSON wire format: every bad-request class
// maps to its status and code; good requests give the items and options asked for.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api_json.h"

namespace bertq::server {
namespace {

using nlohmann::json;

struct BadCase {
  std::string body;
  int status;
  std::string code;
};

Limits small_limits() {
  Limits l;
  l.max_body_bytes = 200;
  l.max_texts = 3;
  l.max_text_bytes = 20;
  l.max_length = 128;
  l.defaults = {100, text::Truncation::HEAD_TAIL, 9};
  return l;
}

TEST(ApiJson, ClassifyBadRequests) {
  const std::vector<BadCase> cases = {
      {"", 400, "invalid_json"},
      {"{", 400, "invalid_json"},
      {"{\"text\": \"a\",}", 400, "invalid_json"},
      {"{\"text\": \"bad \xff byte\"}", 400, "invalid_utf8"},
      {"{\"text\": \"\\ud800\"}", 400, "invalid_utf8"},
      {"[\"a\"]", 422, "invalid_type"},
      {"\"a\"", 422, "invalid_type"},
      {"{}", 422, "invalid_request"},
      {"{\"text\": \"a\", \"texts\": [\"b\"]}", 422, "invalid_request"},
      {"{\"txt\": \"a\"}", 422, "invalid_request"},
      {"{\"text\": 5}", 422, "invalid_type"},
      {"{\"text\": null}", 422, "invalid_type"},
      {"{\"texts\": \"a\"}", 422, "invalid_type"},
      {"{\"texts\": [\"a\", 2]}", 422, "invalid_type"},
      {"{\"texts\": []}", 422, "empty_input"},
      {"{\"text\": \"\"}", 422, "empty_input"},
      {"{\"texts\": [\"a\", \"\"]}", 422, "empty_input"},
      {"{\"texts\": [\"a\", \"b\", \"c\", \"d\"]}", 413, "too_many_texts"},
      {"{\"text\": \"" + std::string(21, 'x') + "\"}", 413, "text_too_long"},
      {"{\"text\": \"" + std::string(300, 'x') + "\"}", 413, "body_too_large"},
      {"{\"text\": \"a\", \"max_length\": \"64\"}", 422, "invalid_type"},
      {"{\"text\": \"a\", \"max_length\": 1.5}", 422, "invalid_type"},
      {"{\"text\": \"a\", \"max_length\": 1}", 422, "invalid_request"},
      {"{\"text\": \"a\", \"max_length\": 129}", 422, "invalid_request"},
      {"{\"text\": \"a\", \"truncation\": \"middle\"}", 422, "invalid_request"},
      {"{\"text\": \"a\", \"truncation\": 1}", 422, "invalid_type"},
      {"{\"text\": \"a\", \"return_probs\": 1}", 422, "invalid_type"},
      // Numbers beyond double's range: nlohmann throws out_of_range, not parse_error (found by
      // server_request_fuzz; it escaped as a 500).
      {"{\"text\": \"a\", \"max_length\": 1e999}", 400, "invalid_json"},
      {"44444444444e4444", 400, "invalid_json"},
  };
  for (const BadCase& c : cases) {
    const ParsedRequest p = parse_classify_request(c.body, small_limits());
    ASSERT_TRUE(p.error.has_value()) << "body: " << c.body;
    EXPECT_EQ(p.error->status, c.status) << "body: " << c.body << " -> " << p.error->message;
    EXPECT_EQ(p.error->code, c.code) << "body: " << c.body << " -> " << p.error->message;
    EXPECT_FALSE(p.error->message.empty());
    // The error body is valid JSON of the documented shape.
    const json e = json::parse(error_body(*p.error));
    EXPECT_EQ(e["error"]["code"], c.code);
    EXPECT_EQ(e["error"]["message"], p.error->message);
  }
}

TEST(ApiJson, Utf8ErrorNamesTheByteOffset) {
  const std::string body = "{\"text\": \"ok \xc3\x28\"}";
  const ParsedRequest p = parse_classify_request(body, Limits{});
  ASSERT_TRUE(p.error.has_value());
  EXPECT_EQ(p.error->code, "invalid_utf8");
  // "ok \xc3\x28": the broken sequence starts at byte 13 and is detected at byte 14.
  const size_t at = p.error->message.find("byte offset ");
  ASSERT_NE(at, std::string::npos) << p.error->message;
  const int offset = std::stoi(p.error->message.substr(at + 12));
  EXPECT_GE(offset, 13) << p.error->message;
  EXPECT_LE(offset, 14) << p.error->message;
  EXPECT_NO_THROW(json::parse(error_body(*p.error)));  // the bad byte is not echoed raw
}

TEST(ApiJson, ClassifyGoodRequests) {
  ParsedRequest p = parse_classify_request("{\"text\": \"héllo\"}", small_limits());
  ASSERT_FALSE(p.error) << p.error->message;
  ASSERT_EQ(p.request.items.size(), 1u);
  EXPECT_TRUE(p.request.single);
  EXPECT_EQ(p.request.items[0].text, "héllo");
  // The server's defaults (Limits::defaults: the model's recipe, resolved by `bertq serve`).
  EXPECT_EQ(p.request.items[0].recipe.max_length, 100);
  EXPECT_EQ(p.request.items[0].recipe.truncation, text::Truncation::HEAD_TAIL);
  EXPECT_EQ(p.request.items[0].recipe.head_tokens, 9);
  EXPECT_FALSE(p.request.return_probs);

  p = parse_classify_request(
      "{\"texts\": [\"a\", \"b c\"], \"max_length\": 64, \"truncation\": \"head\", "
      "\"return_probs\": true}",
      small_limits());
  ASSERT_FALSE(p.error) << p.error->message;
  ASSERT_EQ(p.request.items.size(), 2u);
  EXPECT_FALSE(p.request.single);
  EXPECT_TRUE(p.request.return_probs);
  for (const auto& item : p.request.items) {
    EXPECT_EQ(item.recipe.max_length, 64);
    EXPECT_EQ(item.recipe.truncation, text::Truncation::HEAD);
    EXPECT_EQ(item.recipe.head_tokens, 9);  // the server's, with the request's other options
  }
  EXPECT_EQ(p.request.items[1].text, "b c");
}

TEST(ApiJson, HfBadRequests) {
  const std::vector<BadCase> cases = {
      {"{\"text\": \"a\"}", 422, "invalid_request"},
      {"{\"inputs\": 3}", 422, "invalid_type"},
      {"{\"inputs\": []}", 422, "empty_input"},
      {"{\"inputs\": \"\"}", 422, "empty_input"},
      {"{\"inputs\": [\"a\", \"b\", \"c\", \"d\"]}", 413, "too_many_texts"},
      {"{\"inputs\": \"a\", \"parameters\": 3}", 422, "invalid_type"},
      {"{\"inputs\": \"a\", \"parameters\": {\"top_k\": 0}}", 422, "invalid_type"},
      {"{\"inputs\": \"a\", \"parameters\": {\"function_to_apply\": \"sigmoid\"}}", 422,
       "invalid_request"},
      {"not json", 400, "invalid_json"},
      {"{\"inputs\": \"a\", \"parameters\": {\"top_k\": -1e400}}", 400, "invalid_json"},
  };
  for (const BadCase& c : cases) {
    const ParsedRequest p = parse_hf_request(c.body, small_limits());
    ASSERT_TRUE(p.error.has_value()) << "body: " << c.body;
    EXPECT_EQ(p.error->status, c.status) << "body: " << c.body << " -> " << p.error->message;
    EXPECT_EQ(p.error->code, c.code) << "body: " << c.body << " -> " << p.error->message;
  }
}

std::vector<ClassifyResult> two_results() {
  ClassifyResult a{1, "POSITIVE", 0.75f, {0.25f, 0.75f}, 5, {-1.0f, 0.1f}};
  ClassifyResult b{0, "NEGATIVE", 0.875f, {0.875f, 0.125f}, 7, {1.0f, -0.9f}};
  return {a, b};
}

TEST(ApiJson, ClassifyResponse) {
  ClassifyRequest req;
  req.items.resize(2);
  json j = json::parse(classify_response(req, two_results()));
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["label"], "POSITIVE");
  EXPECT_EQ(j["results"][0]["label_id"], 1);
  EXPECT_EQ(j["results"][0]["score"].get<float>(), 0.75f);
  EXPECT_FALSE(j["results"][0].contains("probs"));
  EXPECT_EQ(j["results"][1]["label"], "NEGATIVE");
  req.return_probs = true;
  j = json::parse(classify_response(req, two_results()));
  EXPECT_EQ(j["results"][1]["probs"].get<std::vector<float>>(),
            (std::vector<float>{0.875f, 0.125f}));
}

TEST(ApiJson, HfResponseShapes) {
  const std::vector<std::string> labels = {"NEGATIVE", "POSITIVE"};
  ClassifyRequest req;
  req.single = true;
  auto one = std::vector<ClassifyResult>{two_results()[0]};
  // "inputs": "text" -> [{"label", "score"}]
  json j = json::parse(hf_response(req, one, labels));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["label"], "POSITIVE");
  EXPECT_EQ(j[0]["score"].get<float>(), 0.75f);
  // top_k null -> every label, best first
  req.top_k_all = true;
  j = json::parse(hf_response(req, one, labels));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["label"], "POSITIVE");
  EXPECT_EQ(j[1]["label"], "NEGATIVE");
  EXPECT_EQ(j[1]["score"].get<float>(), 0.25f);
  // list input -> one dict per text; with top_k -> one list per text
  ClassifyRequest many;
  j = json::parse(hf_response(many, two_results(), labels));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["label"], "NEGATIVE");
  many.top_k = 1;
  j = json::parse(hf_response(many, two_results(), labels));
  ASSERT_EQ(j.size(), 2u);
  ASSERT_TRUE(j[1].is_array());
  EXPECT_EQ(j[1][0]["label"], "NEGATIVE");
  EXPECT_EQ(j[1].size(), 1u);
}

TEST(ApiJson, HfParameters) {
  ParsedRequest p = parse_hf_request(
      "{\"inputs\": [\"a\"], \"parameters\": {\"top_k\": null, \"truncation\": \"tail\", "
      "\"max_length\": 32}, \"options\": {\"wait_for_model\": true}}",
      small_limits());
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_TRUE(p.request.top_k_all);
  EXPECT_EQ(p.request.items[0].recipe.truncation, text::Truncation::TAIL);
  EXPECT_EQ(p.request.items[0].recipe.max_length, 32);
  p = parse_hf_request("{\"inputs\": \"a\", \"parameters\": {\"top_k\": 2}}", small_limits());
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_TRUE(p.request.single);
  EXPECT_EQ(p.request.top_k, 2);
}

}  // namespace
}  // namespace bertq::server
