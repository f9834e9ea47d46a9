// --on-bad-row for every command that reads a dataset (data stats, train, pretrain): one
// parser (data::parse_on_bad_row) and one help text. split_labels: the comma-separated --labels
// of `bertq init` and `bertq train` (an empty item is kept, so validation names it).
//
//   add_on_bad_row(cmd, [o](data::ReadOptions::OnBadRow v) { o->read.on_bad_row = v; }, "Data");
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "data/example.h"

namespace bertq::cli {

inline CLI::Option* add_on_bad_row(CLI::App* cmd,
                                   std::function<void(data::ReadOptions::OnBadRow)> set,
                                   const std::string& group) {
  return cmd
      ->add_option_function<std::string>(
          "--on-bad-row", [set](const std::string& v) { set(data::parse_on_bad_row(v)); },
          "error | skip: what a malformed data row does (default error)")
      ->group(group);
}

inline std::vector<std::string> split_labels(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  if (!s.empty() && s.back() == ',') out.push_back("");
  return out;
}

}  // namespace bertq::cli
