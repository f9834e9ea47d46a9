// SVG charts (see svg_chart.h). Layout: a plot area inset by fixed margins (left 70, right
// 170 for the legend, top 40, bottom 55); data (x, y) maps linearly to
// px = left + (x - x0) / (x1 - x0) * plot_w, py = top + plot_h - (y - y0) / (y1 - y0) * plot_h.
#include "core/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.h"

namespace bertq {
namespace {

constexpr double kLeft = 70, kRight = 170, kTop = 40, kBottom = 55;
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

const char* color(size_t i) {
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_label(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-2)) {
    std::snprintf(buf, sizeof buf, "%.1e", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::string value_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

struct Range {
  double lo = 0, hi = 1;
};

// [0, nice max] when the data starts near 0, else [nice floor, nice ceiling] around the data.
Range axis_range(double lo, double hi) {
  if (!(hi > lo)) {
    hi = lo + (lo == 0 ? 1 : std::fabs(lo) * 0.1);
  }
  if (lo >= 0 && lo < 0.5 * hi) return {0, nice_ceiling(hi)};
  const double step = nice_ceiling((hi - lo) / 5);
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step};
}

class Canvas {
 public:
  Canvas(const ChartSpec& spec, Range x, Range y, bool x_ticks) : spec_(spec), x_(x), y_(y) {
    check(spec.width > kLeft + kRight + 50 && spec.height > kTop + kBottom + 50,
          ErrorCode::INVALID_ARGUMENT, "chart \"", spec.title, "\": size ", spec.width, "x",
          spec.height, " too small");
    w_ = spec.width - kLeft - kRight;
    h_ = spec.height - kTop - kBottom;
    os_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << spec.width
        << "\" height=\"" << spec.height << "\" viewBox=\"0 0 " << spec.width << " " << spec.height
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << spec.width << "\" height=\"" << spec.height
        << "\" fill=\"white\"/>\n"
        << "<text x=\"" << num(spec.width / 2.0) << "\" y=\"22\" text-anchor=\"middle\" "
        << "font-size=\"15\" font-weight=\"bold\">" << xml_escape(spec.title) << "</text>\n";
    axes(x_ticks);
  }

  double px(double x) const { return kLeft + (x - x_.lo) / (x_.hi - x_.lo) * w_; }
  double py(double y) const { return kTop + h_ - (y - y_.lo) / (y_.hi - y_.lo) * h_; }
  double plot_w() const { return w_; }
  std::ostringstream& out() { return os_; }

  void legend(const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      const double y = kTop + 10 + 20 * double(i);
      const double x = kLeft + w_ + 15;
      os_ << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 9) << "\" width=\"12\" height=\"12\""
          << " fill=\"" << color(i) << "\"/>\n"
          << "<text x=\"" << num(x + 18) << "\" y=\"" << num(y + 1) << "\">" << xml_escape(names[i])
          << "</text>\n";
    }
  }

  std::string finish() {
    os_ << "</svg>\n";
    return os_.str();
  }

 private:
  void axes(bool x_ticks) {
    const double x0 = kLeft, y0 = kTop + h_;
    os_ << "<g stroke=\"#333\" stroke-width=\"1\">\n"
        << "<line x1=\"" << num(x0) << "\" y1=\"" << num(y0) << "\" x2=\"" << num(x0 + w_)
        << "\" y2=\"" << num(y0) << "\"/>\n"
        << "<line x1=\"" << num(x0) << "\" y1=\"" << num(kTop) << "\" x2=\"" << num(x0)
        << "\" y2=\"" << num(y0) << "\"/>\n</g>\n";
    const double ystep = nice_ceiling((y_.hi - y_.lo) / 5);
    for (double v = y_.lo; v <= y_.hi + ystep * 1e-6; v += ystep) {
      os_ << "<line x1=\"" << num(x0) << "\" y1=\"" << num(py(v)) << "\" x2=\"" << num(x0 + w_)
          << "\" y2=\"" << num(py(v)) << "\" stroke=\"#ddd\"/>\n"
          << "<text x=\"" << num(x0 - 6) << "\" y=\"" << num(py(v) + 4) << "\" text-anchor=\"end\">"
          << tick_label(v) << "</text>\n";
    }
    if (x_ticks) {
      const double xstep = nice_ceiling((x_.hi - x_.lo) / 5);
      for (double v = x_.lo; v <= x_.hi + xstep * 1e-6; v += xstep) {
        os_ << "<text x=\"" << num(px(v)) << "\" y=\"" << num(y0 + 16)
            << "\" text-anchor=\"middle\">" << tick_label(v) << "</text>\n";
      }
    }
    os_ << "<text x=\"" << num(x0 + w_ / 2) << "\" y=\"" << num(y0 + 40)
        << "\" text-anchor=\"middle\">" << xml_escape(spec_.x_label) << "</text>\n"
        << "<text x=\"16\" y=\"" << num(kTop + h_ / 2) << "\" text-anchor=\"middle\" "
        << "transform=\"rotate(-90 16 " << num(kTop + h_ / 2) << ")\">" << xml_escape(spec_.y_label)
        << "</text>\n";
  }

  ChartSpec spec_;
  Range x_, y_;
  double w_ = 0, h_ = 0;
  std::ostringstream os_;
};

void check_series(const ChartSpec& spec, const std::vector<Series>& series) {
  check(!series.empty(), ErrorCode::INVALID_ARGUMENT, "chart \"", spec.title, "\": no series");
  for (const Series& s : series) {
    check(!s.x.empty() && s.x.size() == s.y.size(), ErrorCode::INVALID_ARGUMENT, "chart \"",
          spec.title, "\", series \"", s.name, "\": ", s.x.size(), " x values and ", s.y.size(),
          " y values (need the same, at least one)");
    for (size_t i = 0; i < s.x.size(); ++i) {
      check(std::isfinite(s.x[i]) && std::isfinite(s.y[i]), ErrorCode::INVALID_ARGUMENT, "chart \"",
            spec.title, "\", series \"", s.name, "\": point ", i, " not finite");
    }
  }
}

std::pair<Range, Range> data_ranges(const std::vector<Series>& series) {
  double xl = 1e300, xh = -1e300, yl = 1e300, yh = -1e300;
  for (const Series& s : series) {
    for (double v : s.x) xl = std::min(xl, v), xh = std::max(xh, v);
    for (double v : s.y) yl = std::min(yl, v), yh = std::max(yh, v);
  }
  return {axis_range(xl, xh), axis_range(yl, yh)};
}

std::vector<std::string> names_of(const std::vector<Series>& series) {
  std::vector<std::string> n;
  for (const Series& s : series) n.push_back(s.name);
  return n;
}

double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * double(sorted.size() - 1);
  const size_t i = size_t(pos);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - double(i)) * (sorted[i + 1] - sorted[i]);
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double nice_ceiling(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

BoxStats box_stats(std::vector<double> samples) {
  check(!samples.empty(), ErrorCode::INVALID_ARGUMENT, "box_stats: no samples");
  std::sort(samples.begin(), samples.end());
  return {samples.front(), percentile(samples, 0.25), percentile(samples, 0.5),
          percentile(samples, 0.75), samples.back()};
}

std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series) {
  check_series(spec, series);
  const auto [xr, yr] = data_ranges(series);
  Canvas c(spec, xr, yr, true);
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    c.out() << "<polyline fill=\"none\" stroke=\"" << color(i) << "\" stroke-width=\"2\" points=\"";
    for (size_t k = 0; k < s.x.size(); ++k) {
      c.out() << (k ? " " : "") << num(c.px(s.x[k])) << "," << num(c.py(s.y[k]));
    }
    c.out() << "\"/>\n";
    for (size_t k = 0; k < s.x.size(); ++k) {
      c.out() << "<circle cx=\"" << num(c.px(s.x[k])) << "\" cy=\"" << num(c.py(s.y[k]))
              << "\" r=\"3\" fill=\"" << color(i) << "\"/>\n";
    }
  }
  c.legend(names_of(series));
  return c.finish();
}

std::string scatter_chart(const ChartSpec& spec, const std::vector<Series>& series) {
  check_series(spec, series);
  const auto [xr, yr] = data_ranges(series);
  Canvas c(spec, xr, yr, true);
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    for (size_t k = 0; k < s.x.size(); ++k) {
      c.out() << "<circle cx=\"" << num(c.px(s.x[k])) << "\" cy=\"" << num(c.py(s.y[k]))
              << "\" r=\"6\" fill=\"" << color(i) << "\"/>\n";
      if (k < s.labels.size() && !s.labels[k].empty()) {
        // Labels of later series sit lower, so points at the same place stay readable.
        c.out() << "<text x=\"" << num(c.px(s.x[k]) + 9) << "\" y=\""
                << num(c.py(s.y[k]) - 8 + 16 * double(i)) << "\">" << xml_escape(s.labels[k])
                << "</text>\n";
      }
    }
  }
  c.legend(names_of(series));
  return c.finish();
}

std::string box_chart(const ChartSpec& spec, const std::vector<std::string>& categories,
                      const std::vector<std::string>& series_names,
                      const std::vector<std::vector<BoxStats>>& boxes) {
  check(!categories.empty() && !series_names.empty() && boxes.size() == categories.size(),
        ErrorCode::INVALID_ARGUMENT, "chart \"", spec.title, "\": ", categories.size(),
        " categories, ", boxes.size(), " box groups, ", series_names.size(), " series");
  double lo = 1e300, hi = -1e300;
  for (size_t c = 0; c < boxes.size(); ++c) {
    check(boxes[c].size() == series_names.size(), ErrorCode::INVALID_ARGUMENT, "chart \"",
          spec.title, "\", category \"", categories[c], "\": ", boxes[c].size(), " boxes for ",
          series_names.size(), " series");
    for (const BoxStats& b : boxes[c]) {
      check(std::isfinite(b.lo) && std::isfinite(b.hi) && b.lo <= b.hi, ErrorCode::INVALID_ARGUMENT,
            "chart \"", spec.title, "\", category \"", categories[c], "\": bad box");
      lo = std::min(lo, b.lo), hi = std::max(hi, b.hi);
    }
  }
  const Range xr{0, double(categories.size())};
  Canvas cv(spec, xr, axis_range(lo, hi), false);
  const double slot = cv.plot_w() / double(categories.size());
  const double bw = slot * 0.8 / double(series_names.size());
  for (size_t c = 0; c < categories.size(); ++c) {
    const double x0 = cv.px(double(c)) + slot * 0.1;
    for (size_t s = 0; s < series_names.size(); ++s) {
      const BoxStats& b = boxes[c][s];
      const double l = x0 + bw * double(s) + bw * 0.1, w = bw * 0.8, mid = l + w / 2;
      std::ostringstream& o = cv.out();
      o << "<g class=\"box\" stroke=\"" << color(s) << "\" stroke-width=\"1.5\">\n"
        << "<line x1=\"" << num(mid) << "\" y1=\"" << num(cv.py(b.lo)) << "\" x2=\"" << num(mid)
        << "\" y2=\"" << num(cv.py(b.q1)) << "\"/>\n"
        << "<line x1=\"" << num(mid) << "\" y1=\"" << num(cv.py(b.q3)) << "\" x2=\"" << num(mid)
        << "\" y2=\"" << num(cv.py(b.hi)) << "\"/>\n"
        << "<rect x=\"" << num(l) << "\" y=\"" << num(cv.py(b.q3)) << "\" width=\"" << num(w)
        << "\" height=\"" << num(std::max(0.5, cv.py(b.q1) - cv.py(b.q3))) << "\" fill=\""
        << color(s) << "\" fill-opacity=\"0.3\"/>\n"
        << "<line x1=\"" << num(l) << "\" y1=\"" << num(cv.py(b.median)) << "\" x2=\"" << num(l + w)
        << "\" y2=\"" << num(cv.py(b.median)) << "\" stroke-width=\"2.5\"/>\n"
        << "</g>\n";
    }
    cv.out() << "<text x=\"" << num(cv.px(double(c)) + slot / 2) << "\" y=\""
             << num(cv.py(axis_range(lo, hi).lo) + 16) << "\" text-anchor=\"middle\">"
             << xml_escape(categories[c]) << "</text>\n";
  }
  cv.legend(series_names);
  return cv.finish();
}

std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::string& unit) {
  check(labels.size() == values.size(), ErrorCode::INVALID_ARGUMENT, "bar chart \"", title,
        "\": ", labels.size(), " labels for ", values.size(), " values");
  const int bar_h = 26, left = 170, width = 640, top = 40;
  const double vmax =
      values.empty() ? 1 : std::max(1e-12, *std::max_element(values.begin(), values.end()));
  const int height = top + static_cast<int>(values.size()) * (bar_h + 8) + 20;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << width
    << "\" height=\"" << height << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
    << "<text x=\"10\" y=\"22\" font-size=\"16\">" << xml_escape(title) << "</text>\n";
  for (size_t i = 0; i < values.size(); ++i) {
    const int y = top + static_cast<int>(i) * (bar_h + 8);
    const int w = std::max(1, static_cast<int>((width - left - 90) * (values[i] / vmax)));
    o << "<text x=\"10\" y=\"" << y + 18 << "\">" << xml_escape(labels[i]) << "</text>\n"
      << "<rect x=\"" << left << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << bar_h
      << "\" fill=\"" << color(i) << "\"/>\n"
      << "<text x=\"" << left + w + 6 << "\" y=\"" << y + 18 << "\">" << value_label(values[i])
      << (unit.empty() ? "" : " ") << xml_escape(unit) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string stack_charts(const std::vector<std::string>& charts) {
  check(!charts.empty(), ErrorCode::INVALID_ARGUMENT, "stack_charts: no charts");
  auto attr = [](const std::string& svg, const std::string& name) {
    const std::string key = " " + name + "=\"";
    const size_t b = svg.find(key);
    check(b != std::string::npos, ErrorCode::INVALID_ARGUMENT, "stack_charts: a chart without ",
          name);
    return std::stod(svg.substr(b + key.size()));
  };
  double width = 0, height = 0;
  std::ostringstream body;
  for (const std::string& c : charts) {
    const size_t root = c.find("<svg");
    check(root != std::string::npos, ErrorCode::INVALID_ARGUMENT, "stack_charts: not an SVG");
    std::string inner = c.substr(root);
    inner.insert(4, " y=\"" + num(height) + "\"");  // nested <svg> placed below the previous
    body << inner;
    width = std::max(width, attr(inner, "width"));
    height += attr(inner, "height");
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << num(width)
    << "\" height=\"" << num(height) << "\">\n"
    << body.str() << "</svg>\n";
  return o.str();
}

}  // namespace bertq
