// --on-bad-row for every command that reads a dataset (data stats, train, pretrain): one
// parser (data::parse_on_bad_row) and one help text.
//
//   add_on_bad_row(cmd, [o](data::ReadOptions::OnBadRow v) { o->read.on_bad_row = v; }, "Data");
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

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

}  // namespace bertq::cli
