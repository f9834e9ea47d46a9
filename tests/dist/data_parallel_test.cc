// Data-parallel `bertq train` (src/train/dist/): 2 ranks x batch 16 follow 1 process x batch 32
// (same seed and data, no dropout) within float rounding of the different summation order, on
// the built-in synthetic corpus and (where ../shared has it) on IMDB; a rank killed with -9
// makes the other exit non-zero naming it, and both resumed with --resume end on the weights of
// an uninterrupted 2-rank run, bit for bit, with dropout (each rank resumes its own dropout
// stream). Rank 0 alone prints the run's summary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/test_util.h"
#include "core/file_util.h"
#include "io/safetensors.h"
#include "rank_process.h"

namespace bertq::testing {
namespace {

// (step, loss) of the train lines and the accuracy and loss of the last eval line of
// metrics.jsonl.
struct Curve {
  std::vector<std::pair<int64_t, double>> loss;
  double accuracy = -1, eval_loss = -1;
};
Curve read_curve(const std::string& run) {
  Curve c;
  std::istringstream in(read_file(run + "/metrics.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["kind"] == "train") c.loss.emplace_back(j["step"], j["loss"]);
    if (j["kind"] == "eval") {
      c.accuracy = j["accuracy"];
      c.eval_loss = j["loss"];
    }
  }
  return c;
}

// The largest |a - b| over all tensors of two model files (same names and shapes).
double max_weight_diff(const std::string& a_path, const std::string& b_path) {
  io::SafeTensorsFile a(a_path), b(b_path);
  EXPECT_EQ(a.tensors().size(), b.tensors().size());
  double d = 0;
  for (const auto& t : a.tensors()) {
    const io::TensorView& u = b.get(t.name);
    EXPECT_EQ(t.nbytes, u.nbytes) << t.name;
    const auto* x = static_cast<const float*>(t.data);
    const auto* y = static_cast<const float*>(u.data);
    for (int64_t i = 0; i < t.numel(); ++i) d = std::max(d, std::fabs(double(x[i]) - y[i]));
  }
  return d;
}

std::vector<std::string> with(std::vector<std::string> args, std::vector<std::string> more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// 1 process x batch 32 against --nproc 2 x batch 16 on `data` with the vocabulary `vocab`.
void expect_two_ranks_match_one_process(const std::string& data, const std::string& vocab) {
  TempDir tmp;
  const auto args = tiny_train_args(write_tiny_model(tmp.file("model"), vocab), data, "2");
  const pid_t one =
      spawn(with(args, {"--batch-size", "32", "--out", tmp.file("one")}), {}, tmp.file("one.log"));
  ASSERT_EQ(wait_for(one), 0) << read_file(tmp.file("one.log"));
  // --nproc 2 starts the ranks (threads: --threads 1 each).
  const pid_t two =
      spawn(with(args, {"--batch-size", "16", "--nproc", "2", "--out", tmp.file("two")}), {},
            tmp.file("two.log"));
  ASSERT_EQ(wait_for(two), 0) << read_file(tmp.file("two.log"));

  const Curve a = read_curve(tmp.file("one")), b = read_curve(tmp.file("two"));
  ASSERT_EQ(a.loss.size(), 8u);  // 128 examples / 32 = 4 steps x 2 epochs
  ASSERT_EQ(a.loss.size(), b.loss.size());
  for (size_t i = 0; i < a.loss.size(); ++i) {
    EXPECT_EQ(a.loss[i].first, b.loss[i].first);
    // fp32 sums in another order (two half-batch gradients, then the all-reduce).
    EXPECT_NEAR(a.loss[i].second, b.loss[i].second, 1e-5 * a.loss[i].second)
        << "step " << a.loss[i].first;
  }
  // The evaluation split across the ranks and summed (this tiny run stays near chance: the
  // loss is the finer check).
  EXPECT_EQ(a.accuracy, b.accuracy);
  EXPECT_GE(a.accuracy, 0);
  EXPECT_NEAR(a.eval_loss, b.eval_loss, 1e-5 * a.eval_loss);
  EXPECT_LT(max_weight_diff(tmp.file("one/last/model.safetensors"),
                            tmp.file("two/last/model.safetensors")),
            1e-5);
  // The rank that does not write leaves no trace; the writer's folders are complete.
  EXPECT_TRUE(file_exists(tmp.file("two/best/model.safetensors")));
  EXPECT_FALSE(std::filesystem::exists(tmp.file("two/checkpoint.tmp")));
  const std::string log = read_file(tmp.file("two.log"));
  EXPECT_NE(log.find("rank 1 of 2 joined"), std::string::npos) << log;
  // One summary (rank 0's) for the two ranks' shared output.
  const size_t summary = log.find("last model: ");
  EXPECT_NE(summary, std::string::npos) << log;
  EXPECT_EQ(log.find("last model: ", summary + 1), std::string::npos) << log;
}

TEST(DataParallel, TwoRanksMatchOneProcessOfTheGlobalBatch) {
  TempDir tmp;
  const TinyData d = write_synthetic_data(tmp.file("data"));
  expect_two_ranks_match_one_process(d.train, d.vocab);
}

TEST(DataParallel, TwoRanksMatchOneProcessOnImdb) {
  BERTQ_REQUIRE_SHARED(data, "data/imdb/train.jsonl.gz");
  BERTQ_REQUIRE_SHARED(vocab, "data/bert-base-uncased/vocab.txt");
  expect_two_ranks_match_one_process(data, vocab);
}

// state.json's step of OUT/checkpoint, or -1.
int64_t checkpoint_step(const std::string& run) {
  const std::string p = run + "/checkpoint/state.json";
  if (!file_exists(p)) return -1;
  try {
    return nlohmann::json::parse(read_file(p))["step"].get<int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

TEST(DataParallel, KilledRankIsNamedAndResumeEndsOnTheSameWeights) {
  TempDir tmp;
  const TinyData d = write_synthetic_data(tmp.file("data"));
  // 2 epochs of 4 steps, a checkpoint every 2, dropout 0.1: a rank that resumed another rank's
  // dropout stream would draw other masks.
  const auto args =
      with(tiny_train_args(write_tiny_model(tmp.file("model"), d.vocab), d.train, "2", "0.1"),
           {"--batch-size", "16"});
  auto start_ranks = [&](const std::string& out, bool resume) {
    const int port = free_port();
    std::vector<pid_t> p;
    for (int r = 0; r < 2; ++r) {
      auto a = with(args, {"--out", tmp.file(out)});
      if (resume) a.push_back("--resume");
      p.push_back(spawn(a, rank_env(r, 2, "127.0.0.1", port),
                        tmp.file(out + std::to_string(r) + (resume ? ".resumed" : "") + ".log")));
    }
    return p;
  };
  for (pid_t p : start_ranks("full", false)) ASSERT_EQ(wait_for(p), 0);
  // Rank 0 speaks for the run: rank 1 prints its "joined" line and nothing else.
  EXPECT_NE(read_file(tmp.file("full0.log")).find("last model: "), std::string::npos);
  const std::string quiet = read_file(tmp.file("full1.log"));
  EXPECT_NE(quiet.find("rank 1 of 2 joined"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("train: "), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("last model: "), std::string::npos) << quiet;

  // Once rank 0 has checkpointed step 2, rank 1 is frozen (so the run cannot end first), then
  // killed.
  const auto part = start_ranks("part", false);
  for (int i = 0; i < 60000 && checkpoint_step(tmp.file("part")) < 2; ++i) {
    int st;
    ASSERT_EQ(::waitpid(part[0], &st, WNOHANG), 0) << read_file(tmp.file("part0.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(part[1], SIGSTOP);
  const int64_t killed_after = checkpoint_step(tmp.file("part"));
  ASSERT_GE(killed_after, 2);
  ASSERT_LT(killed_after, 8);
  ::kill(part[1], SIGKILL);
  wait_for(part[1]);
  const int st0 = wait_for(part[0]);
  const std::string log0 = read_file(tmp.file("part0.log"));
  EXPECT_TRUE(WIFEXITED(st0) && WEXITSTATUS(st0) != 0) << log0;
  EXPECT_NE(log0.find("rank 0 of 2: lost rank 1 "), std::string::npos) << log0;
  EXPECT_NE(log0.find("--resume"), std::string::npos) << log0;

  const int64_t resumed_at = checkpoint_step(tmp.file("part"));
  EXPECT_GE(resumed_at, killed_after);
  for (pid_t p : start_ranks("part", true)) EXPECT_EQ(wait_for(p), 0);
  EXPECT_NE(read_file(tmp.file("part0.resumed.log"))
                .find("resuming at step " + std::to_string(resumed_at)),
            std::string::npos);
  EXPECT_EQ(max_weight_diff(tmp.file("full/last/model.safetensors"),
                            tmp.file("part/last/model.safetensors")),
            0.0);
}

}  // namespace
}  // namespace bertq::testing
