// Subcommands of `bertq data` defined outside data_stats.cc (which registers `data`).
#pragma once

#include <CLI/CLI.hpp>

namespace bertq::cli {

// `bertq data split` (data_split.cc).
void add_data_split(CLI::App* data_cmd);

}  // namespace bertq::cli
