// The server's metrics, rendered in the Prometheus text exposition format (version 0.0.4):
//   bertq_http_requests_total{route,status}         counter  requests answered, by status
//   bertq_http_request_duration_seconds{route}      histogram time from routing to response
//   bertq_batch_size                                histogram texts per model call
//   bertq_batch_duration_seconds                    histogram time of one model call
//   bertq_queue_depth                               gauge    texts waiting for a batch
//   bertq_texts_processed_total                     counter  texts classified
//   bertq_tokens_processed_total                    counter  tokens the model saw
//   bertq_model_ready                               gauge    1 once loaded and warmed up
// Routes outside the known set are counted as route="other" (bounded label cardinality).
// Thread-safe: one mutex, held only to add numbers or render.
//
//   Metrics m;
//   m.record_request("/v1/classify", 200, 0.012);
//   m.record_batch(8, 1024, 0.030);
//   std::string text = m.render();
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "server/histogram.h"

namespace bertq::server {

class Metrics {
 public:
  Metrics();

  void record_request(const std::string& route, int status, double seconds);
  void record_batch(size_t texts, size_t tokens, double seconds);
  void set_queue_depth(size_t depth);
  void set_ready(bool ready);

  uint64_t requests(const std::string& route, int status) const;  // for tests and logs
  std::string render() const;

  // The route label used for a request path: the path itself when known, else "other".
  static std::string route_label(const std::string& path);

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  Histogram batch_size_, batch_duration_;
  size_t queue_depth_ = 0;
  uint64_t texts_ = 0, tokens_ = 0;
  bool ready_ = false;
};

}  // namespace bertq::server
