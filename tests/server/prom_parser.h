// A small parser of the Prometheus text exposition format for the tests: "# HELP name text",
// "# TYPE name counter|gauge|histogram|summary|untyped", and samples "name{k="v",...} value".
// parse_prometheus throws std::runtime_error naming the line on anything malformed, and
// checks that every sample belongs to a declared family and that histograms are cumulative
// with +Inf == _count.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bertq::server::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::vector<Sample> samples;

  // Sum of the samples named `name` whose labels include all of `match`.
  double value(const std::string& name,
               const std::map<std::string, std::string>& match = {}) const {
    double v = 0;
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool ok = true;
      for (const auto& [k, want] : match) {
        auto it = s.labels.find(k);
        ok = ok && it != s.labels.end() && it->second == want;
      }
      if (ok) v += s.value;
    }
    return v;
  }
};

inline bool valid_metric_name(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  return true;
}

inline Exposition parse_prometheus(const std::string& text) {
  Exposition ex;
  size_t pos = 0;
  int line_no = 0;
  auto fail = [&](const std::string& line, const std::string& why) {
    throw std::runtime_error("line " + std::to_string(line_no) + " \"" + line + "\": " + why);
  };
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) throw std::runtime_error("exposition must end with a newline");
    const std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# HELP ", 0) == 0) continue;
      if (line.rfind("# TYPE ", 0) != 0) continue;  // other comments are allowed
      const std::string rest = line.substr(7);
      const size_t sp = rest.find(' ');
      if (sp == std::string::npos) fail(line, "TYPE without a type");
      const std::string fam = rest.substr(0, sp), type = rest.substr(sp + 1);
      if (!valid_metric_name(fam)) fail(line, "bad metric name");
      if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
          type != "untyped")
        fail(line, "unknown type " + type);
      if (ex.types.count(fam)) fail(line, "family declared twice");
      ex.types[fam] = type;
      continue;
    }
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!valid_metric_name(s.name)) fail(line, "bad metric name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
          fail(line, "bad label");
        const std::string key = line.substr(i, eq - i);
        if (!valid_metric_name(key)) fail(line, "bad label name");
        std::string val;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          val += line[j];
        }
        if (j >= line.size()) fail(line, "unterminated label value");
        s.labels[key] = val;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) fail(line, "unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') fail(line, "missing value");
    const std::string num = line.substr(i + 1);
    if (num == "+Inf")
      s.value = INFINITY;
    else if (num == "-Inf")
      s.value = -INFINITY;
    else {
      char* end = nullptr;
      s.value = std::strtod(num.c_str(), &end);
      if (num.empty() || *end != '\0') fail(line, "bad value " + num);
    }
    // The family: the name itself, or for histograms name minus _bucket/_sum/_count.
    std::string fam = s.name;
    if (!ex.types.count(fam)) {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string suf = suffix;
        if (fam.size() > suf.size() && fam.compare(fam.size() - suf.size(), suf.size(), suf) == 0 &&
            ex.types.count(fam.substr(0, fam.size() - suf.size()))) {
          fam = fam.substr(0, fam.size() - suf.size());
          break;
        }
      }
    }
    if (!ex.types.count(fam)) fail(line, "sample without a TYPE line");
    if (ex.types[fam] == "histogram" && s.name == fam) fail(line, "bare histogram sample");
    ex.samples.push_back(std::move(s));
  }
  // Histograms: buckets non-decreasing in le order as written, +Inf bucket == _count.
  for (const auto& [fam, type] : ex.types) {
    if (type != "histogram") continue;
    std::map<std::string, double> last, inf;  // by labels without le
    for (const Sample& s : ex.samples) {
      if (s.name != fam + "_bucket") continue;
      auto labels = s.labels;
      if (!labels.count("le")) throw std::runtime_error(fam + ": bucket without le");
      const std::string le = labels["le"];
      labels.erase("le");
      std::string key;
      for (const auto& [k, v] : labels) key += k + "=" + v + ",";
      if (last.count(key) && s.value < last[key])
        throw std::runtime_error(fam + "{" + key + "}: buckets not cumulative at le=" + le);
      last[key] = s.value;
      if (le == "+Inf") inf[key] = s.value;
    }
    for (const Sample& s : ex.samples) {
      if (s.name != fam + "_count") continue;
      std::string key;
      for (const auto& [k, v] : s.labels) key += k + "=" + v + ",";
      if (!inf.count(key) || inf[key] != s.value)
        throw std::runtime_error(fam + "{" + key + "}: +Inf bucket != _count");
    }
  }
  return ex;
}

}  // namespace bertq::server::testing
