// The HTTP server end to end over loopback with the fake backend: routes, every bad-request
// class and its status, 5xx with continued service, concurrency (many clients, unmixed
// answers, batches merged), /metrics parses and moves, Hugging Face route, readiness.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "fake_backend.h"
#include "prom_parser.h"
#include "test_server_util.h"

namespace bertq::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::fake_result;
using testing::FakeBackend;
using testing::item;
using testing::parse_prometheus;
using testing::RunningServer;

ServerOptions test_options() {
  ServerOptions o;
  o.batcher.max_batch = 16;
  o.batcher.max_wait = std::chrono::milliseconds(5);
  o.limits.max_body_bytes = 4096;
  o.limits.max_texts = 8;
  o.limits.max_text_bytes = 512;
  o.http.handler_threads = 48;
  return o;
}

// Checks an error answer: status, JSON body {"error": {"code", "message"}}.
void expect_error(const httplib::Result& r, int status, const std::string& code) {
  ASSERT_TRUE(r) << "no response: " << httplib::to_string(r.error());
  EXPECT_EQ(r->status, status) << r->body;
  const json j = json::parse(r->body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "error body is not JSON: " << r->body;
  ASSERT_TRUE(j.contains("error")) << r->body;
  EXPECT_EQ(j["error"]["code"], code) << r->body;
  EXPECT_TRUE(j["error"]["message"].is_string()) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
}

TEST(Http, ClassifyAnswersInInputOrder) {
  FakeBackend backend;
  RunningServer s(backend, test_options());
  auto c = s.client();
  const std::vector<std::string> texts = {"a fine film", "bad", "so-so movie", "ok"};
  auto r = c->Post("/v1/classify", json{{"texts", texts}, {"return_probs", true}}.dump(),
                   "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  ASSERT_EQ(j["results"].size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const ClassifyResult want = fake_result(item(texts[i]));
    EXPECT_EQ(j["results"][i]["label"], want.label) << i;
    EXPECT_EQ(j["results"][i]["label_id"], want.label_id) << i;
    EXPECT_EQ(j["results"][i]["score"].get<float>(), want.score) << i;
    EXPECT_EQ(j["results"][i]["probs"].get<std::vector<float>>(), want.probs) << i;
  }
  // Single text, options passed through to the backend.
  r = c->Post("/v1/classify",
              json{{"text", "hello"}, {"max_length", 64}, {"truncation", "tail"}}.dump(),
              "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json one = json::parse(r->body);
  const ClassifyResult want = fake_result(item("hello", 64, text::Truncation::TAIL));
  EXPECT_EQ(one["results"][0]["score"].get<float>(), want.score);
  EXPECT_FALSE(one["results"][0].contains("probs"));
}

TEST(Http, EveryBadRequestClass) {
  FakeBackend backend;
  RunningServer s(backend, test_options());
  auto c = s.client();
  const char* kJsonType = "application/json";
  expect_error(c->Post("/v1/classify", "{", kJsonType), 400, "invalid_json");
  expect_error(c->Post("/v1/classify", "", kJsonType), 400, "invalid_json");
  expect_error(c->Post("/v1/classify", "{\"text\": \"\xff\"}", kJsonType), 400, "invalid_utf8");
  expect_error(c->Post("/v1/classify", "[1]", kJsonType), 422, "invalid_type");
  expect_error(c->Post("/v1/classify", "{\"text\": 1}", kJsonType), 422, "invalid_type");
  expect_error(c->Post("/v1/classify", "{\"texts\": [\"a\", null]}", kJsonType), 422,
               "invalid_type");
  expect_error(c->Post("/v1/classify", "{\"texts\": []}", kJsonType), 422, "empty_input");
  expect_error(c->Post("/v1/classify", "{\"text\": \"\"}", kJsonType), 422, "empty_input");
  expect_error(c->Post("/v1/classify", "{}", kJsonType), 422, "invalid_request");
  expect_error(c->Post("/v1/classify", "{\"text\": \"a\", \"max_length\": 100000}", kJsonType), 422,
               "invalid_request");
  expect_error(
      c->Post("/v1/classify", json{{"texts", std::vector<std::string>(9, "a")}}.dump(), kJsonType),
      413, "too_many_texts");
  expect_error(c->Post("/v1/classify", json{{"text", std::string(513, 'a')}}.dump(), kJsonType),
               413, "text_too_long");
  // Over the body limit: httplib refuses it from Content-Length, our error body is added.
  auto r = c->Post("/v1/classify", json{{"text", std::string(5000, 'a')}}.dump(), kJsonType);
  expect_error(r, 413, "body_too_large");
  EXPECT_NE(r->body.find("limit of 4096 bytes per request body"), std::string::npos) << r->body;
  expect_error(c->Get("/v1/classify"), 405, "method_not_allowed");
  expect_error(c->Delete("/v1/classify"), 405, "method_not_allowed");
  expect_error(c->Post("/metrics", "{}", kJsonType), 405, "method_not_allowed");
  r = c->Put("/", "{}", kJsonType);
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
  expect_error(c->Get("/nope"), 404, "not_found");
  expect_error(c->Post("/v2/classify", "{}", kJsonType), 404, "not_found");
  // The model rejects a text (as the tokenizer would): 422 from the backend's INVALID_ARGUMENT.
  expect_error(c->Post("/v1/classify", "{\"text\": \"__invalid__\"}", kJsonType), 422,
               "invalid_input");
  // Internal failure: 500, and the server keeps serving.
  expect_error(c->Post("/v1/classify", "{\"text\": \"__internal__\"}", kJsonType), 500, "internal");
  r = c->Post("/v1/classify", "{\"text\": \"still here\"}", kJsonType);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

// A body sent as a form (what `curl -d` does) is read as JSON like any other: httplib's own
// 8 KiB limit for form bodies must not answer 413 body_too_large for a body far below
// --max-body-bytes; a text over --max-text-bytes gets text_too_long naming that limit.
TEST(Http, FormContentTypeBodiesMeetOurLimitsOnly) {
  FakeBackend backend;
  ServerOptions o = test_options();
  o.limits.max_body_bytes = 1 << 20;
  o.limits.max_text_bytes = 65536;
  RunningServer s(backend, o);
  auto c = s.client();
  const char* kForm = "application/x-www-form-urlencoded";
  auto r = c->Post("/v1/classify", json{{"text", std::string(20000, 'a')}}.dump(), kForm);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = c->Post("/v1/classify", json{{"text", std::string(70000, 'a')}}.dump(), kForm);
  expect_error(r, 413, "text_too_long");
  EXPECT_NE(r->body.find("limit of 65536 bytes per text"), std::string::npos) << r->body;
  r = c->Post("/", json{{"inputs", std::string(20000, 'a')}}.dump(), kForm);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(Http, TimeoutAndOverload) {
  FakeBackend backend;
  backend.delay_ = 400ms;
  ServerOptions o = test_options();
  o.request_timeout = 100ms;
  o.batcher.max_batch = 1;
  o.batcher.max_queue = 2;
  RunningServer s(backend, o);
  ASSERT_TRUE(s.wait_ready());
  // Hold the worker busy, then a request that cannot finish in time.
  std::thread busy(
      [&] { s.client()->Post("/v1/classify", "{\"text\": \"x\"}", "application/json"); });
  std::this_thread::sleep_for(50ms);
  auto c = s.client();
  expect_error(c->Post("/v1/classify", "{\"text\": \"late\"}", "application/json"), 504, "timeout");
  // Three texts with room for two: overloaded, retry later.
  auto r = c->Post("/v1/classify", "{\"texts\": [\"a\", \"b\", \"c\"]}", "application/json");
  expect_error(r, 503, "overloaded");
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  busy.join();
}

TEST(Http, HuggingFaceRoute) {
  FakeBackend backend;
  RunningServer s(backend, test_options());
  auto c = s.client();
  auto r = c->Post("/", "{\"inputs\": \"nice\"}", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  const ClassifyResult want = fake_result(item("nice"));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["label"], want.label);
  EXPECT_EQ(j[0]["score"].get<float>(), want.score);
  r = c->Post("/", "{\"inputs\": [\"nice\", \"odd\"], \"parameters\": {\"top_k\": null}}",
              "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  j = json::parse(r->body);
  ASSERT_EQ(j.size(), 2u);
  ASSERT_EQ(j[1].size(), 2u);  // every label, best first
  EXPECT_GE(j[1][0]["score"].get<float>(), j[1][1]["score"].get<float>());
  EXPECT_EQ(j[1][0]["label"], fake_result(item("odd")).label);
  expect_error(c->Post("/", "{\"input\": \"x\"}", "application/json"), 422, "invalid_request");
}

TEST(Http, HealthAndReadiness) {
  FakeBackend backend;
  backend.warm_delay_ = 300ms;
  ServerOptions o = test_options();
  o.limits.max_length = o.limits.defaults.max_length = 96;  // a model with 96 positions
  RunningServer s(backend, o);
  auto c = s.client();
  auto r = c->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c->Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << "ready before warm-up finished";
  ASSERT_TRUE(s.wait_ready());
  EXPECT_TRUE(backend.warmed_.load());
  EXPECT_EQ(backend.warm_max_length_.load(), 96)
      << "the warm-up must stay within the server's (the model's) max length";
  r = c->Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(Http, ManyConcurrentClientsGetTheirOwnAnswers) {
  FakeBackend backend;
  backend.delay_ = 3ms;
  RunningServer s(backend, test_options());
  ASSERT_TRUE(s.wait_ready());
  constexpr int kClients = 32, kRequests = 10;
  std::atomic<int> bad{0}, ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = s.client();  // one keep-alive connection per client
      for (int i = 0; i < kRequests; ++i) {
        std::vector<std::string> texts;
        for (int k = 0; k <= (t + i) % 3; ++k)
          texts.push_back("client " + std::to_string(t) + " req " + std::to_string(i) + " #" +
                          std::to_string(k) + std::string(size_t((t * 5 + i * 3 + k) % 17), 'z'));
        auto r = c->Post("/v1/classify", json{{"texts", texts}, {"return_probs", true}}.dump(),
                         "application/json");
        if (!r || r->status != 200) {
          if (bad.fetch_add(1) == 0) {
            ADD_FAILURE() << "client " << t << " request " << i << ": "
                          << (r ? r->body : httplib::to_string(r.error()));
          }
          continue;
        }
        const json j = json::parse(r->body);
        bool same = j["results"].size() == texts.size();
        for (size_t k = 0; same && k < texts.size(); ++k) {
          const ClassifyResult want = fake_result(item(texts[k]));
          same = j["results"][k]["probs"].get<std::vector<float>>() == want.probs &&
                 j["results"][k]["label_id"] == want.label_id;
        }
        (same ? ok : bad).fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(ok.load(), kClients * kRequests);
  EXPECT_GT(backend.max_batch_seen(), 1u) << "concurrent requests were never merged";
  // The batch-size histogram shows the merging too.
  auto r = s.client()->Get("/metrics");
  ASSERT_TRUE(r);
  const auto ex = parse_prometheus(r->body);
  const double batches = ex.value("bertq_batch_size_count");
  const double texts = ex.value("bertq_batch_size_sum");
  EXPECT_EQ(batches, double(backend.calls()));
  EXPECT_GT(texts, batches) << "mean batch size is 1";
  EXPECT_EQ(ex.value("bertq_texts_processed_total"), texts);
}

TEST(Http, MetricsParseAndMove) {
  FakeBackend backend;
  RunningServer s(backend, test_options());
  ASSERT_TRUE(s.wait_ready());
  auto c = s.client();
  auto get_metrics = [&] {
    auto r = c->Get("/metrics");
    EXPECT_TRUE(r && r->status == 200);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return parse_prometheus(r->body);
  };
  const auto before = get_metrics();
  EXPECT_EQ(before.value("bertq_model_ready"), 1);
  ASSERT_EQ(
      c->Post("/v1/classify", "{\"texts\": [\"one two\", \"three\"]}", "application/json")->status,
      200);
  c->Post("/v1/classify", "{", "application/json");
  c->Get("/missing");
  c->Post("/v1/classify", json{{"text", std::string(5000, 'a')}}.dump(), "application/json");
  const auto after = get_metrics();
  auto delta = [&](const std::string& name, const std::map<std::string, std::string>& m) {
    return after.value(name, m) - before.value(name, m);
  };
  EXPECT_EQ(delta("bertq_http_requests_total", {{"route", "/v1/classify"}, {"status", "200"}}), 1);
  EXPECT_EQ(delta("bertq_http_requests_total", {{"route", "/v1/classify"}, {"status", "400"}}), 1);
  EXPECT_EQ(delta("bertq_http_requests_total", {{"route", "other"}, {"status", "404"}}), 1);
  EXPECT_EQ(delta("bertq_http_requests_total", {{"route", "/v1/classify"}, {"status", "413"}}), 1);
  EXPECT_EQ(delta("bertq_http_request_duration_seconds_count", {{"route", "/v1/classify"}}), 3);
  // Fake tokens: words + 2 -> (2 + 2) + (1 + 2).
  EXPECT_EQ(delta("bertq_tokens_processed_total", {}), 7);
  EXPECT_EQ(delta("bertq_texts_processed_total", {}), 2);
  EXPECT_EQ(after.value("bertq_queue_depth"), 0);
  EXPECT_EQ(after.types.at("bertq_http_request_duration_seconds"), "histogram");
}

// A stop (SIGTERM) between bind() and the accept loop's start used to be lost: serve() then
// ran on forever (found by bench/startup, which stops `serve` as soon as it says it listens).
TEST(Http, StopBeforeServeStillStops) {
  FakeBackend backend;
  ServerOptions o = test_options();
  o.host = "127.0.0.1";
  o.port = 0;
  Server server(backend, o);
  server.bind();
  server.stop();
  std::atomic<bool> returned{false};
  std::thread t([&] {
    server.serve();
    returned = true;
  });
  for (int i = 0; i < 1000 && !returned; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(returned) << "serve() ignored a stop() that came before it";
  if (!returned) server.stop();  // now that it runs, so that the test ends
  t.join();
}

TEST(Http, StopDrainsInFlightRequests) {
  FakeBackend backend;
  backend.delay_ = 300ms;
  auto s = std::make_unique<RunningServer>(backend, test_options());
  ASSERT_TRUE(s->wait_ready());
  std::unique_ptr<httplib::Result> in_flight;
  std::thread t([&] {
    in_flight = std::make_unique<httplib::Result>(
        s->client()->Post("/v1/classify", "{\"text\": \"slow\"}", "application/json"));
  });
  std::this_thread::sleep_for(100ms);  // the request is now inside the model
  const auto t0 = std::chrono::steady_clock::now();
  s->stop();
  t.join();
  ASSERT_TRUE(*in_flight) << "in-flight request was dropped: "
                          << httplib::to_string(in_flight->error());
  EXPECT_EQ((*in_flight)->status, 200) << (*in_flight)->body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  // Nothing listens any more.
  httplib::Client c("127.0.0.1", s->port());
  c.set_connection_timeout(1, 0);
  EXPECT_FALSE(c.Get("/healthz"));
}

}  // namespace
}  // namespace bertq::server
