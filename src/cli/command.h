// Subcommand registry. Each file in src/cli defines one subcommand and registers it with a
// static Command object; main.cc builds the CLI11 app from the registry. A subcommand's
// file only parses options, calls the library and prints: no logic lives in the CLI.
//
//   static bertq::cli::Command reg("tokenize", 10, [](CLI::App& app) {
//     auto* cmd = app.add_subcommand("tokenize", "Tokenize texts");
//     ... cmd->callback([opts] { run(*opts); });
//   });
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bertq::cli {

struct Command {
  // `order` sorts subcommands in --help (pipeline stages first, tools last); each subcommand
  // has its own number (main.cc refuses to start when two share one).
  Command(std::string name, int order, std::function<void(CLI::App&)> add);
};

struct CommandEntry {
  std::string name;
  int order;
  std::function<void(CLI::App&)> add;
};
std::vector<CommandEntry>& command_registry();

}  // namespace bertq::cli
