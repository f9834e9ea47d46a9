// Metrics (see metrics.h): counters and histograms under one mutex, rendered with HELP/TYPE
// lines per metric family.
#include "server/metrics.h"

#include "core/error.h"
#include "server/routes.h"

namespace bertq::server {
namespace {

std::vector<double> latency_bounds() {
  // 0.5 ms .. ~65 s, doubling: covers a tiny model's batch of one up to a long queue.
  return Histogram::exponential(0.0005, 2.0, 18);
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

Metrics::Metrics()
    : batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}), batch_duration_(latency_bounds()) {}

std::string Metrics::route_label(const std::string& path) {
  for (const Route& r : kRoutes)  // the route patterns: a bounded set of labels
    if (path == r.path) return r.path;
  return "other";
}

void Metrics::record_request(const std::string& route, int status, double seconds) {
  const std::string label = route_label(route);
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{label, status}];
  auto it = durations_.find(label);
  if (it == durations_.end()) it = durations_.emplace(label, Histogram(latency_bounds())).first;
  it->second.observe(seconds);
}

void Metrics::record_batch(size_t texts, size_t tokens, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  batch_size_.observe(double(texts));
  batch_duration_.observe(seconds);
  texts_ += texts;
  tokens_ += tokens;
}

void Metrics::set_queue_depth(size_t depth) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_depth_ = depth;
}

void Metrics::set_ready(bool ready) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_ = ready;
}

uint64_t Metrics::requests(const std::string& route, int status) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find({route_label(route), status});
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  family(out, "bertq_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (const auto& [key, n] : requests_)
    out += cat("bertq_http_requests_total{route=\"", key.first, "\",status=\"", key.second, "\"} ",
               n, "\n");
  family(out, "bertq_http_request_duration_seconds", "histogram",
         "Time from routing a request to its response, by route.");
  for (const auto& [route, h] : durations_)
    h.render(out, "bertq_http_request_duration_seconds", cat("route=\"", route, "\""));
  family(out, "bertq_batch_size", "histogram", "Texts per model call (merged batch).");
  batch_size_.render(out, "bertq_batch_size", "");
  family(out, "bertq_batch_duration_seconds", "histogram", "Time of one model call.");
  batch_duration_.render(out, "bertq_batch_duration_seconds", "");
  family(out, "bertq_queue_depth", "gauge", "Texts waiting for a batch.");
  out += cat("bertq_queue_depth ", queue_depth_, "\n");
  family(out, "bertq_texts_processed_total", "counter", "Texts classified.");
  out += cat("bertq_texts_processed_total ", texts_, "\n");
  family(out, "bertq_tokens_processed_total", "counter",
         "Tokens the model saw (after truncation, with special tokens).");
  out += cat("bertq_tokens_processed_total ", tokens_, "\n");
  family(out, "bertq_model_ready", "gauge", "1 once the model is loaded and warmed up.");
  out += cat("bertq_model_ready ", ready_ ? 1 : 0, "\n");
  return out;
}

}  // namespace bertq::server
