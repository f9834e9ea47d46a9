// The commands that train run in the trainer executable (BERTQ_TRAINER, cli/trainer_commands.h),
// yet stay commands of bertq: its --help lists them in their place with their descriptions,
// `bertq train --help` is the trainer's help under bertq's name, a tiny `bertq train` trains,
// the trainer's exit codes come back unchanged, and a bertq without its trainer says which
// file is missing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/trainer_commands.h"
#include "common/test_util.h"
#include "core/file_util.h"
#include "eval/eval_test_util.h"
#include "run_bertq.h"

namespace bertq {
namespace {

using testing::run_bertq;
using testing::run_binary;

int exit_code(const testing::CliOutput& o) {
  return WIFEXITED(o.status) ? WEXITSTATUS(o.status) : 128 + WTERMSIG(o.status);
}

TEST(TrainerCommands, BertqHelpListsThemInOrderWithTheirDescriptions) {
  const auto o = run_bertq("--help");
  ASSERT_EQ(o.status, 0) << o.text;
  size_t last = 0;
  for (const auto& c : cli::kTrainerCommands) {
    const size_t at = o.text.find("\n  " + std::string(c.name) + " ");
    if (!cli::is_built(c)) {
      EXPECT_EQ(at, std::string::npos) << c.name << " listed without libtorch:\n" << o.text;
      continue;
    }
    ASSERT_NE(at, std::string::npos) << c.name << " missing from:\n" << o.text;
    EXPECT_GT(at, last) << c.name << " out of order:\n" << o.text;
    EXPECT_NE(o.text.find(c.description, at), std::string::npos) << c.name << ":\n" << o.text;
    last = at;
  }
  EXPECT_NE(o.text.find("\n  predict "), std::string::npos) << o.text;
}

TEST(TrainerCommands, HelpIsTheTrainersUnderBertqsName) {
  const char* flags[] = {"--out", "--epochs", "--stop-after", "--data"};
  for (const auto& c : cli::kTrainerCommands) {
    if (!cli::is_built(c)) continue;
    const auto o = run_bertq(std::string(c.name) + " --help");
    EXPECT_EQ(o.status, 0) << c.name << ":\n" << o.text;
    EXPECT_NE(o.text.find(std::string("Usage: ") + BERTQ_CLI + " " + c.name), std::string::npos)
        << c.name << ":\n"
        << o.text;
    // The trainer's own help, but under bertq's name (argv[0] is passed on unchanged).
    std::string trainer = run_binary(BERTQ_TRAINER, std::string(c.name) + " --help").text;
    const std::string usage = std::string("Usage: ") + BERTQ_TRAINER + " ";
    if (const size_t at = trainer.find(usage); at != std::string::npos)
      trainer.replace(at, usage.size(), std::string("Usage: ") + BERTQ_CLI + " ");
    EXPECT_EQ(o.text, trainer) << c.name << ": bertq and the trainer differ";
    size_t shown = 0;
    for (const char* f : flags) shown += o.text.find(f) != std::string::npos;
    EXPECT_GE(shown, 2u) << c.name << ": not the command's own options:\n" << o.text;
  }
}

class TrainThroughBertq : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cli::is_built(cli::kTrainCommand))
      GTEST_SKIP() << "built without libtorch: no `bertq train`";
    model_ = eval::testing::make_tiny_model(tmp_.path(), "model", 3);
    std::string rows;
    for (const auto& ex : eval::testing::tiny_dataset(8).examples)
      rows += nlohmann::json{{"text", ex.text},
                             {"label", ex.label_name == "pos" ? "POSITIVE" : "NEGATIVE"}}
                  .dump() +
              "\n";
    write_file_atomic(tmp_.file("train.jsonl"), rows);
  }
  std::string args(const std::string& train) const {
    return "train --model " + model_ + " --train " + train + " --out " + tmp_.file("run") +
           " --max-steps 2 --batch-size 4 --max-length 16 --threads 1";
  }

  testing::TempDir tmp_;
  std::string model_;
};

TEST_F(TrainThroughBertq, TrainsATinyModel) {
  const auto o = run_bertq(args(tmp_.file("train.jsonl")), /*with_stderr=*/true);
  ASSERT_EQ(exit_code(o), 0) << o.text;
  EXPECT_NE(o.text.find("done after 2 of 2 steps"), std::string::npos) << o.text;
  EXPECT_TRUE(std::filesystem::exists(tmp_.file("run/last/model.safetensors"))) << o.text;
}

TEST_F(TrainThroughBertq, ExitCodesAreTheTrainers) {
  // A missing data file: NOT_FOUND (3), named.
  const std::string missing = tmp_.file("absent.jsonl");
  const auto o = run_bertq(args(missing), /*with_stderr=*/true);
  EXPECT_EQ(exit_code(o), 3) << o.text;
  EXPECT_NE(o.text.find(missing), std::string::npos) << o.text;
  EXPECT_EQ(o.text, run_binary(BERTQ_TRAINER, args(missing), true).text);
  // A usage error (CLI11's own code).
  const auto usage = run_bertq("train --no-such-flag", true);
  EXPECT_NE(exit_code(usage), 0) << usage.text;
  EXPECT_EQ(exit_code(usage), exit_code(run_binary(BERTQ_TRAINER, "train --no-such-flag", true)));
}

TEST(TrainerCommands, ABertqWithoutItsTrainerNamesTheMissingFile) {
  testing::TempDir tmp;
  const std::string alone = tmp.file("bertq");
  std::filesystem::copy_file(BERTQ_CLI, alone);
  std::filesystem::permissions(alone, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(run_binary(alone, "--version").status, 0);  // the inference side runs alone
  const auto o = run_binary(alone, "pipeline --help", /*with_stderr=*/true);
  EXPECT_EQ(exit_code(o), 3) << o.text;
  EXPECT_NE(o.text.find(tmp.file(std::filesystem::path(BERTQ_TRAINER).filename().string())),
            std::string::npos)
      << o.text;
}

}  // namespace
}  // namespace bertq
