// Entry point of bertq and of the trainer bertq-train (cli/CMakeLists.txt): builds the
// subcommands from the executable's registry (command.h), runs the chosen one, and is the
// boundary where errors become messages and exit codes:
//   0 ok, 1 usage error (CLI11), 2 invalid argument, 3 not found, 4 corrupt file,
//   5 unsupported, 6 i/o, 130 interrupted, 70 internal error.
#include <algorithm>
#include <cstdio>
#include <exception>

#include "cli/command.h"
#include "core/error.h"

namespace bertq::cli {

std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> registry;
  return registry;
}

Command::Command(std::string name, int order, std::function<void(CLI::App&)> add) {
  command_registry().push_back({std::move(name), order, std::move(add)});
}

namespace {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::INVALID_ARGUMENT:
      return 2;
    case ErrorCode::NOT_FOUND:
      return 3;
    case ErrorCode::CORRUPT_FILE:
      return 4;
    case ErrorCode::UNSUPPORTED:
      return 5;
    case ErrorCode::IO:
      return 6;
    case ErrorCode::INTERRUPTED:
      return 130;
    case ErrorCode::INTERNAL:
      return 70;
  }
  return 70;
}

}  // namespace
}  // namespace bertq::cli

int main(int argc, char** argv) {
  using namespace bertq;
  CLI::App app{"bertq: fine-tune BERT classifiers and run them as small, fast INT8 models on CPU"};
  app.set_version_flag("--version", "bertq " BERTQ_VERSION);
  app.require_subcommand(1);
  auto entries = cli::command_registry();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  // Each subcommand has its own place in --help; a shared number would leave the order to
  // the link order of the files.
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].order == entries[i - 1].order) {
      std::fprintf(stderr, "bertq: internal error: subcommands %s and %s share help order %d\n",
                   entries[i - 1].name.c_str(), entries[i].name.c_str(), entries[i].order);
      return 70;
    }
  }
  for (const auto& e : entries) e.add(app);
  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "bertq: error: %s\n", e.what());
    return cli::exit_code_for(e.code());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "bertq: error: out of memory\n");
    return 70;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bertq: internal error: %s\n", e.what());
    return 70;
  }
  return 0;
}
