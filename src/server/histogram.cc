// Histogram (see histogram.h): per-bucket counts, rendered as cumulative Prometheus buckets.
#include "server/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"

namespace bertq::server {

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    check(std::isfinite(bounds_[i]) && (i == 0 || bounds_[i] > bounds_[i - 1]), ErrorCode::INTERNAL,
          "histogram bound ", i, ": must be finite and increasing");
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  const size_t i =
      size_t(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  ++counts_[i];  // first bucket whose bound is >= value (le is inclusive)
  ++count_;
  sum_ += value;
}

uint64_t Histogram::cumulative(size_t i) const {
  uint64_t c = 0;
  for (size_t k = 0; k <= i && k < counts_.size(); ++k) c += counts_[k];
  return c;
}

std::string prometheus_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    // Shortest form that round-trips, for readability (0.005 rather than 0.0050000000000000001).
    for (int prec = 1; prec <= 17; ++prec) {
      char s[64];
      std::snprintf(s, sizeof(s), "%.*g", prec, v);
      if (std::strtod(s, nullptr) == v) {
        std::snprintf(buf, sizeof(buf), "%s", s);
        break;
      }
    }
  }
  return buf;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t c = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    c += counts_[i];
    const std::string le = i < bounds_.size() ? prometheus_number(bounds_[i]) : "+Inf";
    out += cat(name, "_bucket{", labels, sep, "le=\"", le, "\"} ", c, "\n");
  }
  const std::string braces = labels.empty() ? "" : cat("{", labels, "}");
  out += cat(name, "_sum", braces, " ", prometheus_number(sum_), "\n");
  out += cat(name, "_count", braces, " ", count_, "\n");
}

std::vector<double> Histogram::exponential(double start, double factor, int n) {
  std::vector<double> b;
  double v = start;
  for (int i = 0; i < n; ++i, v *= factor) b.push_back(v);
  return b;
}

}  // namespace bertq::server
