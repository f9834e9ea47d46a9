// The one SVG chart writer (written by us, no plotting library) of `bertq compare`, the
// pipeline report and the trainer's curves.svg: line charts (one polyline per series), scatter
// charts (labelled points), box plots (one box per series inside each category), horizontal
// bar charts, and charts stacked into one document. Axes are linear, from 0 (or the data's minimum
// when it is far from 0) to a "nice" maximum (1, 2, 2.5 or 5 times a power of ten), with 5-6
// ticks. Output is a complete, standalone SVG 1.1 document; text is XML-escaped.
//
//   bertq::ChartSpec spec{"Throughput by sequence length", "tokens", "sequences/s"};
//   std::string svg = bertq::line_chart(spec, {{"fp32 b8", {128, 256}, {40, 18}, {}}});
//   bertq::write_file_atomic("throughput.svg", svg);
#pragma once

#include <string>
#include <vector>

namespace bertq {

struct ChartSpec {
  std::string title, x_label, y_label;
  int width = 720, height = 420;
};

struct Series {
  std::string name;
  std::vector<double> x, y;         // same size
  std::vector<std::string> labels;  // scatter: a label per point (optional)
};

// Five-number summary drawn as a box (q1..q3, median line) with whiskers (lo..hi).
struct BoxStats {
  double lo = 0, q1 = 0, median = 0, q3 = 0, hi = 0;
};
// From samples: lo / hi the minimum / maximum, q1 / median / q3 the 25th / 50th / 75th
// percentiles (linear interpolation). Empty samples are an Error(INVALID_ARGUMENT).
BoxStats box_stats(std::vector<double> samples);

// Series with an empty x/y, or x and y of different sizes, are an Error(INVALID_ARGUMENT).
std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series);
std::string scatter_chart(const ChartSpec& spec, const std::vector<Series>& series);
// boxes[c][s]: category c, series s (every category has one box per series name).
std::string box_chart(const ChartSpec& spec, const std::vector<std::string>& categories,
                      const std::vector<std::string>& series_names,
                      const std::vector<std::vector<BoxStats>>& boxes);

// A horizontal bar per value, labelled, its value (and `unit`) printed after it; labels and
// values of different sizes are an Error(INVALID_ARGUMENT).
std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::string& unit);
// Standalone charts (any of the above) one below the other in one SVG document.
std::string stack_charts(const std::vector<std::string>& charts);

// "&" "<" ">" "\"" "'" as entities.
std::string xml_escape(const std::string& s);
// The axis end: the smallest of {1, 2, 2.5, 5} x 10^k that is >= v (v > 0; 1 for v <= 0).
double nice_ceiling(double v);

}  // namespace bertq
