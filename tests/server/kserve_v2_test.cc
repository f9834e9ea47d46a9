// KServe v2 / Open Inference Protocol: JSON and binary (Triton's extension) requests, every
// refusal with its status, answers in JSON and binary, and the metadata documents.
#include "server/kserve_v2.h"

#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>

namespace bertq::server {
namespace {

using nlohmann::json;

Limits limits() {
  Limits l;
  l.max_texts = 4;
  l.max_text_bytes = 32;
  l.max_length = 128;
  l.defaults = {100, text::Truncation::HEAD, 7};
  return l;
}

std::string bytes_element(const std::string& s) {
  const uint32_t n = uint32_t(s.size());
  std::string out(4, '\0');
  std::memcpy(out.data(), &n, 4);
  return out + s;
}

TEST(KServeV2, JsonRequest) {
  const json body = {{"id", "r1"},
                     {"inputs",
                      {{{"name", "text"},
                        {"datatype", "BYTES"},
                        {"shape", {2, 1}},
                        {"data", {{"great film"}, {"dull"}}}}}},
                     {"parameters", {{"max_length", 64}, {"truncation", "tail"}, {"other", 1}}},
                     {"outputs", {{{"name", "probabilities"}}, {{"name", "label"}}}}};
  const V2Parsed p = parse_v2_infer(body.dump(), "", limits());
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.request.id, "r1");
  ASSERT_EQ(p.request.classify.items.size(), 2u);
  EXPECT_EQ(p.request.classify.items[1].text, "dull");
  EXPECT_EQ(p.request.classify.items[0].recipe.max_length, 64);
  EXPECT_EQ(p.request.classify.items[0].recipe.truncation, text::Truncation::TAIL);
  EXPECT_EQ(p.request.classify.items[0].recipe.head_tokens, 7);
  ASSERT_EQ(p.request.outputs.size(), 2u);
  EXPECT_EQ(p.request.outputs[0].name, "probabilities");
  EXPECT_FALSE(p.request.outputs[0].binary);

  // No "outputs": every output, in the documented order.
  const json plain = {
      {"inputs", {{{"name", "t"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"x"}}}}}};
  const V2Parsed all = parse_v2_infer(plain.dump(), "", limits());
  ASSERT_FALSE(all.error) << all.error->message;
  ASSERT_EQ(all.request.outputs.size(), std::size(kV2Outputs));
  EXPECT_EQ(all.request.classify.items[0].recipe.max_length, 100);  // the server's default
}

TEST(KServeV2, BinaryRequestAsTritonClientSendsIt) {
  const std::string data = bytes_element("héllo") + bytes_element("two words");
  const json header = {{"inputs",
                        {{{"name", "text"},
                          {"datatype", "BYTES"},
                          {"shape", {2}},
                          {"parameters", {{"binary_data_size", data.size()}}}}}},
                       {"outputs", {{{"name", "score"}, {"parameters", {{"binary_data", true}}}}}}};
  const std::string h = header.dump();
  const V2Parsed p = parse_v2_infer(h + data, std::to_string(h.size()), limits());
  ASSERT_FALSE(p.error) << p.error->message;
  ASSERT_EQ(p.request.classify.items.size(), 2u);
  EXPECT_EQ(p.request.classify.items[0].text, "héllo");
  EXPECT_EQ(p.request.classify.items[1].text, "two words");
  ASSERT_EQ(p.request.outputs.size(), 1u);
  EXPECT_TRUE(p.request.outputs[0].binary);
}

TEST(KServeV2, Refusals) {
  auto status = [](const std::string& body, const std::string& header_length = "") {
    const V2Parsed p = parse_v2_infer(body, header_length, limits());
    return p.error ? p.error->status : 200;
  };
  auto input = [](json shape, json data, const char* type = "BYTES") {
    return json{
        {"inputs", {{{"name", "text"}, {"datatype", type}, {"shape", shape}, {"data", data}}}}}
        .dump();
  };
  EXPECT_EQ(status("{"), 400);
  EXPECT_EQ(status("{}"), 422);                                   // no inputs
  EXPECT_EQ(status(input({1}, {"a"}, "FP32")), 422);              // not BYTES
  EXPECT_EQ(status(input({2}, {"a"})), 422);                      // shape vs data
  EXPECT_EQ(status(input({1, 2}, {"a", "b"})), 422);              // [N, 2]
  EXPECT_EQ(status(input({1}, {1})), 422);                        // not strings
  EXPECT_EQ(status(input({1}, {""})), 422);                       // empty text
  EXPECT_EQ(status(input({5}, {"a", "b", "c", "d", "e"})), 413);  // over max_texts
  EXPECT_EQ(status(input({1}, {std::string(40, 'a')})), 413);     // over max_text_bytes
  EXPECT_EQ(status(input({1}, {"a"}), "x"), 400);                 // bad header length
  EXPECT_EQ(status(input({1}, {"a"}), "99999"), 400);             // beyond the body
  json bad_out = json::parse(input({1}, {"a"}));
  bad_out["outputs"] = {{{"name", "embeddings"}}};
  EXPECT_EQ(status(bad_out.dump()), 400);
  json bad_len = json::parse(input({1}, {"a"}));
  bad_len["parameters"] = {{"max_length", 100000}};
  EXPECT_EQ(status(bad_len.dump()), 422);
  // Binary data that is not length-prefixed strings, or invalid UTF-8 in one.
  const json h = {{"inputs",
                   {{{"name", "text"},
                     {"datatype", "BYTES"},
                     {"shape", {1}},
                     {"parameters", {{"binary_data_size", 3}}}}}}};
  EXPECT_EQ(status(h.dump() + "abc", std::to_string(h.dump().size())), 400);
  const std::string bad_utf8 = bytes_element("\xff\xfe");
  json h2 = h;
  h2["inputs"][0]["parameters"]["binary_data_size"] = bad_utf8.size();
  EXPECT_EQ(status(h2.dump() + bad_utf8, std::to_string(h2.dump().size())), 400);
}

std::vector<ClassifyResult> two_results() {
  ClassifyResult a, b;
  a.label = "POSITIVE", a.label_id = 1, a.score = 0.75f, a.probs = {0.25f, 0.75f};
  a.logits = {-1.0f, 0.5f};
  b.label = "NEGATIVE", b.label_id = 0, b.score = 0.5f, b.probs = {0.5f, 0.5f};
  b.logits = {0.0f, 0.0f};
  return {a, b};
}

TEST(KServeV2, JsonAnswer) {
  V2InferRequest r;
  r.id = "abc";
  for (const char* o : kV2Outputs) r.outputs.push_back({o, false});
  const V2Answer a = v2_infer_response(r, two_results(), "imdb", 2);
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_FALSE(a.json_size);
  const json j = json::parse(a.body);
  EXPECT_EQ(j["model_name"], "imdb");
  EXPECT_EQ(j["id"], "abc");
  ASSERT_EQ(j["outputs"].size(), 5u);
  EXPECT_EQ(j["outputs"][0]["data"], json({"POSITIVE", "NEGATIVE"}));
  EXPECT_EQ(j["outputs"][1]["datatype"], "INT64");
  EXPECT_EQ(j["outputs"][1]["data"], json({1, 0}));
  EXPECT_EQ(j["outputs"][2]["data"], json({0.75, 0.5}));
  EXPECT_EQ(j["outputs"][3]["shape"], json({2, 2}));
  EXPECT_EQ(j["outputs"][3]["data"], json({0.25, 0.75, 0.5, 0.5}));
  EXPECT_EQ(j["outputs"][4]["name"], "logits");
  EXPECT_EQ(j["outputs"][4]["data"], json({-1.0, 0.5, 0.0, 0.0}));
}

TEST(KServeV2, BinaryAnswer) {
  V2InferRequest r;
  r.outputs = {{"label", true}, {"probabilities", true}, {"score", false}};
  const V2Answer a = v2_infer_response(r, two_results(), "imdb", 2);
  EXPECT_EQ(a.content_type, "application/octet-stream");
  ASSERT_TRUE(a.json_size);
  const json j = json::parse(a.body.substr(0, *a.json_size));
  const std::string bin = a.body.substr(*a.json_size);
  const std::string labels = bytes_element("POSITIVE") + bytes_element("NEGATIVE");
  EXPECT_EQ(j["outputs"][0]["parameters"]["binary_data_size"], labels.size());
  EXPECT_FALSE(j["outputs"][0].contains("data"));
  EXPECT_EQ(j["outputs"][1]["parameters"]["binary_data_size"], 16);
  EXPECT_EQ(j["outputs"][2]["data"], json({0.75, 0.5}));  // asked without binary
  ASSERT_EQ(bin.size(), labels.size() + 16);
  EXPECT_EQ(bin.substr(0, labels.size()), labels);
  float probs[4];
  std::memcpy(probs, bin.data() + labels.size(), 16);
  EXPECT_EQ(probs[1], 0.75f);
  EXPECT_EQ(probs[2], 0.5f);
}

TEST(KServeV2, Metadata) {
  const json m = json::parse(v2_model_metadata("imdb", 3));
  EXPECT_EQ(m["name"], "imdb");
  EXPECT_EQ(m["inputs"][0]["datatype"], "BYTES");
  EXPECT_EQ(m["outputs"].size(), std::size(kV2Outputs));
  EXPECT_EQ(m["outputs"][3]["shape"], json({-1, 3}));
  const json s = json::parse(v2_server_metadata("1.2.3"));
  EXPECT_EQ(s["version"], "1.2.3");
  EXPECT_EQ(json::parse(v2_error_body({400, "x", "bad"}))["error"], "bad");
}

}  // namespace
}  // namespace bertq::server
