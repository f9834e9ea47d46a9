// Histogram bucketing and the Prometheus rendering of Metrics, checked with the test parser.
#include <gtest/gtest.h>

#include "core/error.h"
#include "prom_parser.h"
#include "server/histogram.h"
#include "server/metrics.h"

namespace bertq::server {
namespace {

using testing::parse_prometheus;

TEST(Histogram, BucketsAreInclusiveAndCumulative) {
  Histogram h({1, 2, 4});
  for (double v : {0.5, 1.0, 1.5, 2.0, 3.0, 9.0}) h.observe(v);
  EXPECT_EQ(h.cumulative(0), 2u);  // 0.5, 1.0 (le is inclusive)
  EXPECT_EQ(h.cumulative(1), 4u);  // + 1.5, 2.0
  EXPECT_EQ(h.cumulative(2), 5u);  // + 3.0
  EXPECT_EQ(h.cumulative(3), 6u);  // +Inf
  EXPECT_EQ(h.count(), 6u);
  EXPECT_DOUBLE_EQ(h.sum(), 17.0);
  std::string out;
  h.render(out, "x", "a=\"b\"");
  EXPECT_NE(out.find("x_bucket{a=\"b\",le=\"2\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{a=\"b\",le=\"+Inf\"} 6\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_sum{a=\"b\"} 17\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_count{a=\"b\"} 6\n"), std::string::npos) << out;
}

TEST(Histogram, RejectsUnsortedBounds) {
  EXPECT_THROW(Histogram({1, 1}), Error);
  EXPECT_THROW(Histogram({2, 1}), Error);
}

TEST(PrometheusNumber, ShortestRoundTrip) {
  EXPECT_EQ(prometheus_number(0.005), "0.005");
  EXPECT_EQ(prometheus_number(42), "42");
  EXPECT_EQ(prometheus_number(0.1 + 0.2), "0.30000000000000004");
}

TEST(Metrics, RendersParsableExposition) {
  Metrics m;
  m.record_request("/v1/classify", 200, 0.003);
  m.record_request("/v1/classify", 200, 0.020);
  m.record_request("/v1/classify", 422, 0.0001);
  m.record_request("/no/such/path", 404, 0.0001);
  m.record_batch(3, 120, 0.01);
  m.record_batch(17, 900, 0.05);
  m.set_queue_depth(5);
  m.set_ready(true);
  const auto ex = parse_prometheus(m.render());
  EXPECT_EQ(ex.types.at("bertq_http_requests_total"), "counter");
  EXPECT_EQ(ex.types.at("bertq_batch_size"), "histogram");
  EXPECT_EQ(ex.types.at("bertq_queue_depth"), "gauge");
  EXPECT_EQ(ex.value("bertq_http_requests_total", {{"route", "/v1/classify"}, {"status", "200"}}),
            2);
  EXPECT_EQ(ex.value("bertq_http_requests_total", {{"status", "422"}}), 1);
  EXPECT_EQ(ex.value("bertq_http_requests_total", {{"route", "other"}, {"status", "404"}}), 1);
  EXPECT_EQ(ex.value("bertq_http_request_duration_seconds_count", {{"route", "/v1/classify"}}), 3);
  EXPECT_EQ(ex.value("bertq_batch_size_bucket", {{"le", "4"}}), 1);
  EXPECT_EQ(ex.value("bertq_batch_size_bucket", {{"le", "32"}}), 2);
  EXPECT_EQ(ex.value("bertq_batch_size_sum"), 20);
  EXPECT_EQ(ex.value("bertq_tokens_processed_total"), 1020);
  EXPECT_EQ(ex.value("bertq_texts_processed_total"), 20);
  EXPECT_EQ(ex.value("bertq_queue_depth"), 5);
  EXPECT_EQ(ex.value("bertq_model_ready"), 1);
  EXPECT_EQ(m.requests("/v1/classify", 200), 2u);
}

TEST(PromParser, RejectsMalformedText) {
  // The parser must be able to fail, or the /metrics checks prove nothing.
  EXPECT_THROW(parse_prometheus("x 1\n"), std::runtime_error);  // no TYPE
  EXPECT_THROW(parse_prometheus("# TYPE x counter\nx{a=\"b\" 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus("# TYPE x counter\nx one\n"), std::runtime_error);
  EXPECT_THROW(
      parse_prometheus("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                       "h_count 1\n"),
      std::runtime_error);
  EXPECT_THROW(parse_prometheus("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n"),
               std::runtime_error);
  EXPECT_NO_THROW(parse_prometheus("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 3\n"));
}

}  // namespace
}  // namespace bertq::server
