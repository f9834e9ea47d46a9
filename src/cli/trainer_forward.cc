// `bertq demo | pipeline | pretrain | train` in the bertq executable: each has its entry in
// bertq --help, and running one replaces this process (execv) with the trainer executable
// found beside it (trainer_commands.h), with the same argv[0], command and arguments, byte for
// byte. The process id stays, so the command's output, signals (Ctrl-C) and exit code are the
// trainer's own. /proc/self/exe, not argv[0], locates it: bertq may be run through a symlink.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/omp_defaults.h"
#include "cli/trainer_commands.h"
#include "core/error.h"

namespace bertq::cli {
namespace {

std::string trainer_path() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  check(!ec, ErrorCode::IO, "/proc/self/exe: ", ec.message(), " (the trainer ", BERTQ_TRAINER_NAME,
        " is found beside bertq)");
  return (self.parent_path() / BERTQ_TRAINER_NAME).string();
}

[[noreturn]] void run_trainer(const std::string& argv0, const std::string& command,
                              const std::vector<std::string>& args) {
  const std::string path = trainer_path();
  const bool found = access(path.c_str(), X_OK) == 0;
  check(found, ErrorCode::NOT_FOUND, path, ": ", std::strerror(errno), "; `bertq ", command,
        "` runs this trainer executable, built beside bertq (scripts/build.sh ", BERTQ_TRAINER_NAME,
        ")");
  std::vector<std::string> strings{argv0, command};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  drop_omp_default();
  execv(path.c_str(), argv.data());
  throw Error(ErrorCode::IO, cat(path, ": cannot run: ", std::strerror(errno)));
}

// The trainer parses everything after the command name, --help included: this entry stops
// parsing at once (prefix_command) and keeps the arguments as given.
void add_forwarding(CLI::App& app, const TrainerCommand& c) {
  auto* cmd = add_trainer_subcommand(app, c);
  cmd->set_help_flag();
  cmd->prefix_command();
  cmd->allow_extras();
  cmd->callback([&app, cmd, name = std::string(c.name)] {
    run_trainer(app.get_name(), name, cmd->remaining());
  });
}

const bool registered = [] {
  for (const TrainerCommand& c : kTrainerCommands) {
    if (is_built(c)) Command(c.name, c.order, [&c](CLI::App& app) { add_forwarding(app, c); });
  }
  return true;
}();

}  // namespace
}  // namespace bertq::cli
