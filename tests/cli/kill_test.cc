// Crashes mid-write: the long-running writers (`bertq pretrain`, `quantize`, `pipeline`,
// `download`) are run to the end once, then started again and killed with SIGKILL at seeded
// random points of that run's duration, several times. After each kill no output is
// half-written (what exists is complete, or is a marked partial: a checkpoint/, a .part
// download); rerunning the same command (with --resume where that is the contract) ends with
// the same result as the uninterrupted run, byte for byte.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "common/test_util.h"
#include "core/file_util.h"
#include "data/fake_hub.h"
#include "data/synthetic.h"

namespace bertq {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kTrials = 4;

struct Exit {
  bool killed = false;  // we sent SIGKILL before it ended
  int code = -1;        // exit code when it ended by itself
  double seconds = 0;
};

// `bertq ARGS` (output to `log`), killed with SIGKILL after `kill_after` seconds when >= 0.
Exit run(const std::string& args, const std::string& log, double kill_after = -1) {
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = "exec " + std::string(BERTQ_CLI) + " " + args + " >" + log + " 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  Exit e;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, kill_after >= 0 ? WNOHANG : 0);
    if (r == pid) break;
    const double t = std::chrono::duration<double>(Clock::now() - t0).count();
    if (kill_after >= 0 && t >= kill_after) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      e.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
  return e;
}

void run_ok(const std::string& args, const std::string& log) {
  const Exit e = run(args, log);
  ASSERT_EQ(e.code, 0) << "bertq " << args << "\n" << read_file(log);
}

// Every regular file under `dir` (relative path -> bytes).
std::map<std::string, std::string> files(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

// The kill delays: seeded, spread over (5%, 95%) of the uninterrupted run's wall time.
std::vector<double> kill_points(double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.05, 0.95);
  std::vector<double> t;
  for (int i = 0; i < kTrials; ++i) t.push_back(u(rng) * seconds);
  return t;
}

// Shared inputs: a synthetic corpus, a WordPiece vocabulary trained on it, a 1-layer model.
class Kill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new bertq::testing::TempDir();
    data::SyntheticOptions o;
    o.train_size = 320;
    o.test_size = 64;
    data::write_synthetic_corpus(path("corpus"), o);
    run_ok("vocab train --input " + path("corpus/train.jsonl") + " --vocab-size 400 --out " +
               path("vocab.txt"),
           path("vocab.log"));
    run_ok("init --out " + path("model") +
               " --layers 1 --hidden 32 --heads 2 --intermediate 64 --max-position 64 --vocab " +
               path("vocab.txt") + " --seed 1",
           path("init.log"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& rel) { return join_path(dir_->path(), rel); }

  // Kills `args` (which write under OUT, spelled "{OUT}") kTrials times, calls
  // after_kill(out) after each kill, reruns with `rerun_args` (default: the same command)
  // until it exits 0, and expects `result(out)` equal to the uninterrupted run's.
  void kill_and_rerun(
      const std::string& name, const std::string& args,
      const std::function<std::string(const std::string& out)>& rerun_args,
      const std::function<void(const std::string& out)>& after_kill,
      const std::function<std::map<std::string, std::string>(const std::string&)>& result) {
    auto with_out = [&](std::string a, const std::string& out) {
      for (size_t p; (p = a.find("{OUT}")) != std::string::npos;) a.replace(p, 5, out);
      return a;
    };
    const std::string ref = path(name + "-ref");
    const Exit r = run(with_out(args, ref), path(name + "-ref.log"));
    ASSERT_EQ(r.code, 0) << read_file(path(name + "-ref.log"));
    const auto expected = result(ref);
    ASSERT_FALSE(expected.empty());
    int killed = 0;
    const auto points = kill_points(r.seconds, static_cast<unsigned>(name.size()));
    for (int i = 0; i < kTrials; ++i) {
      SCOPED_TRACE(name + " trial " + std::to_string(i) + ", SIGKILL after " +
                   std::to_string(points[i]) + " s of " + std::to_string(r.seconds));
      const std::string out = path(name + "-" + std::to_string(i));
      const std::string log = out + ".log";
      const Exit k = run(with_out(args, out), log, points[i]);
      if (!k.killed) {
        ASSERT_EQ(k.code, 0) << read_file(log);  // it ended first: nothing to recover
      } else {
        ++killed;
        after_kill(out);
        if (HasFatalFailure() || HasFailure()) return;
        const std::string again = rerun_args(out);
        const Exit e = run(with_out(again, out), log);
        ASSERT_EQ(e.code, 0) << "rerun: bertq " << with_out(again, out) << "\n" << read_file(log);
      }
      EXPECT_EQ(result(out), expected);
    }
    EXPECT_GE(killed, kTrials / 2) << "most kills should land before the run ends";
    std::printf("kill test %s: %d of %d SIGKILLs landed before the end (run %.1f s)\n",
                name.c_str(), killed, kTrials, r.seconds);
  }

  static bertq::testing::TempDir* dir_;
};

bertq::testing::TempDir* Kill::dir_ = nullptr;

// No temporary folders of write_dir_atomic (OUT.tmp, OUT.old) beside `out`.
void expect_no_temp_siblings(const std::string& out) {
  EXPECT_FALSE(fs::exists(out + ".tmp")) << out;
  EXPECT_FALSE(fs::exists(out + ".old")) << out;
}

TEST_F(Kill, QuantizeLeavesNoPartialFolderAndRerunMatches) {
  const std::string args = "quantize --model " + path("model") + " --out {OUT} --force --eval " +
                           path("corpus/test.jsonl") +
                           " --eval-samples 64 --max-length 48 --sensitivity";
  const std::string ref = path("quantize-ref");
  kill_and_rerun(
      "quantize", args, [&](const std::string&) { return args; },
      [&](const std::string& out) {
        // The folder appears whole (report included) or not at all.
        if (fs::exists(out)) {
          const auto got = files(out);
          for (const char* f : {"config.json", "model.safetensors", "quantization_report.json"})
            EXPECT_TRUE(got.count(f)) << out << " lacks " << f;
          EXPECT_EQ(got.at("model.safetensors"), read_file(ref + "/model.safetensors"));
        }
      },
      [&](const std::string& out) {
        expect_no_temp_siblings(out);
        auto f = files(out);
        f.erase("quantization_report.json");  // holds timings
        return f;
      });
}

TEST_F(Kill, PretrainResumesToTheSameWeights) {
  const std::string args = "pretrain --model " + path("model") + " --data " +
                           path("corpus/train.jsonl") +
                           " --out {OUT} --max-length 32 --batch-size 16 --max-steps 16 "
                           "--save-every 1 --seed 3 --threads 1";
  kill_and_rerun(
      "pretrain", args,
      [&](const std::string& out) {
        const bool saved = fs::exists(out + "/checkpoint") || fs::exists(out + "/checkpoint.old");
        return saved ? args + " --resume" : args;
      },
      [&](const std::string& out) {
        // last/ is written once, at the end: complete or absent.
        if (fs::exists(out + "/last")) {
          EXPECT_TRUE(fs::exists(out + "/last/model.safetensors")) << out;
        }
      },
      [&](const std::string& out) {
        return std::map<std::string, std::string>{
            {"model.safetensors", read_file(out + "/last/model.safetensors")}};
      });
}

TEST_F(Kill, PipelineRerunContinuesToTheSameModels) {
  const std::string args = "pipeline --model " + path("model") + " --data " + path("corpus") +
                           " --out {OUT} --no-download --max-length 32 --epochs 1 "
                           "--batch-size 16 --save-every 2 --eval-batch-size 16 "
                           "--bench-texts 8 --bench-batch-sizes 1 --bench-repeats 1 --threads 1";
  kill_and_rerun(
      "pipeline", args, [&](const std::string&) { return args; },
      [&](const std::string& out) {
        for (const char* d : {"model-fp32", "model-int8"}) {
          if (fs::exists(join_path(out, d))) {
            EXPECT_TRUE(fs::exists(join_path(out, std::string(d) + "/model.safetensors")));
          }
        }
      },
      [&](const std::string& out) {
        return std::map<std::string, std::string>{
            {"fp32", read_file(out + "/model-fp32/model.safetensors")},
            {"int8", read_file(out + "/model-int8/model.safetensors")},
            {"report", fs::exists(out + "/report.md") ? "present" : "missing"}};
      });
}

TEST_F(Kill, DownloadKeepsOnlyCompleteFilesAndResumes) {
  data::testing::FakeHub hub;
  hub.weights = data::testing::blob(3 << 20, 5);
  hub.chunk = 64 << 10;  // 3 MB at 64 KB per 10 ms: ~0.5 s
  hub.chunk_delay_ms = 10;
  data::testing::HttpTestServer server(std::ref(hub));
  const std::string args = "download model bert-tiny --to {OUT} --endpoint " + server.url();
  kill_and_rerun(
      "download", args, [&](const std::string&) { return args; },
      [&](const std::string& out) {
        // Finished files are complete; the one in flight is a .part.
        for (const auto& [name, bytes] : files(out)) {
          if (name == "model.safetensors") {
            EXPECT_EQ(bytes, hub.weights);
          } else if (name == "config.json") {
            EXPECT_EQ(bytes, "{\"hidden_size\": 32}");
          }
        }
      },
      [&](const std::string& out) {
        auto f = files(out);
        f.erase("bertq_download.json");  // the manifest holds the date
        return f;
      });
}

}  // namespace
}  // namespace bertq
