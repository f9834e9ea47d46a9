// A Prometheus-style cumulative histogram: fixed upper bounds le_0 < le_1 < ... plus +Inf;
// observe(v) adds 1 to every bucket with v <= le (rendered cumulatively), v to the sum and 1
// to the count. Not synchronised: the owner (Metrics) locks around it.
//
//   Histogram h({0.005, 0.01, 0.05});
//   h.observe(0.007);
//   h.render(out, "bertq_request_duration_seconds", "route=\"/v1/classify\"");
//   // ..._bucket{route="/v1/classify",le="0.005"} 0, ..._bucket{...,le="0.01"} 1, ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::server {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // strictly increasing, finite

  void observe(double value);
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // Cumulative count of observations <= upper_bounds()[i]; i == size() is +Inf.
  uint64_t cumulative(size_t i) const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

  // Appends NAME_bucket{labels,le="..."} lines, NAME_sum and NAME_count (labels may be "").
  void render(std::string& out, const std::string& name, const std::string& labels) const;

  // Bounds start, start*factor, ... (n of them).
  static std::vector<double> exponential(double start, double factor, int n);

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), last = above every bound
  uint64_t count_ = 0;
  double sum_ = 0;
};

// A number as Prometheus prints it: integers without a fraction, others with up to 17 digits.
std::string prometheus_number(double v);

}  // namespace bertq::server
