// Integration: `bertq demo --size tiny` through the library in a temp folder. Checks every
// stage's outputs, the INT8-vs-FP32 agreement on the demo's test set (when the quantizer is
// built), that a rerun skips completed stages without touching them, and that an interrupted
// training resumes from its checkpoint instead of starting over.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "common/pretrained.h"
#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "data/synthetic.h"
#include "eval/metrics.h"
#include "io/model_folder.h"
#include "pipeline/demo.h"

namespace fs = std::filesystem;

namespace bertq::pipeline {
namespace {

DemoOptions tiny(const std::string& out) {
  DemoOptions o;
  o.out = out;
  o.model = "scratch";
  o.size = "tiny";
  o.threads = 2;
  o.progress = false;
  return o;
}

int64_t mtime_ns(const std::string& p) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             fs::last_write_time(p).time_since_epoch())
      .count();
}

void expect_file(const std::string& p) {
  EXPECT_TRUE(fs::is_regular_file(p)) << p << " is missing";
}

#ifndef BERTQ_HAVE_TRAIN
TEST(Demo, NeedsTrainer) {
  GTEST_SKIP() << "bertq_train is not built (libtorch absent)";
}
#else

TEST(Demo, TinyRunsEveryStage) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  const DemoResult r = run_demo(tiny(run));
  for (const char* f :
       {"corpus/train.jsonl", "corpus/test.jsonl", "vocab/vocab.txt", "init-model/config.json",
        "init-model/model.safetensors", "data/train.jsonl", "data/test.jsonl", "base/config.json",
        "train/metrics.jsonl", "model-fp32/model.safetensors", "model-fp32/config.json",
        "model-fp32/vocab.txt", "eval/fp32.json"})
    expect_file(run + "/" + f);
  for (const char* s : {"corpus", "vocab", "init", "data", "train", "eval_fp32"})
    expect_file(run + "/stages/" + s + ".done");

  // The FP32 evaluation covers the whole test split and its accuracy is the share of
  // predictions equal to the labels in RUN/data/test.jsonl (recounted here). The tiny model is
  // too small to learn the held-out templates in seconds; the small demo's accuracy is in
  // docs/pipeline.md.
  const nlohmann::json fp32 = nlohmann::json::parse(read_file(run + "/eval/fp32.json"));
  const std::vector<int> fp32_ids = load_predicted_ids(run + "/eval/fp32.json");
  ASSERT_EQ(fp32_ids.size(), 200u);
  EXPECT_EQ(fp32["metrics"]["examples"], 200);
  const data::Dataset test = data::load_dataset(run + "/data/test.jsonl");
  ASSERT_EQ(test.examples.size(), 200u);
  int correct = 0;
  for (size_t i = 0; i < test.examples.size(); ++i)
    correct += fp32_ids[i] == (test.examples[i].label_name == "POSITIVE" ? 1 : 0);
  EXPECT_DOUBLE_EQ(fp32["metrics"]["accuracy"].get<double>(), correct / 200.0);
  // The evaluation tokenized as training did: the trainer's "bertq" block in
  // model-fp32/config.json (the demo trains with head truncation at 64 tokens).
  const nlohmann::json cfg = nlohmann::json::parse(read_file(run + "/model-fp32/config.json"));
  ASSERT_TRUE(cfg.contains("bertq")) << cfg.dump();
  EXPECT_EQ(cfg["bertq"]["max_length"], 64);
  EXPECT_EQ(cfg["bertq"]["truncation"], "head");
  EXPECT_EQ(fp32["tokenization"]["max_length"], 64);
  EXPECT_EQ(fp32["tokenization"]["from"]["max_length"], "config.json");
  EXPECT_EQ(fp32["options"]["max_length"], 64);
  expect_file(run + "/eval/fp32.predictions.jsonl");

  for (const char* f :
       {"model-int8/model.safetensors", "model-int8/config.json", "eval/int8.json", "bench.json",
        "report.md", "report.json", "plots/accuracy.svg", "plots/throughput.svg"})
    expect_file(run + "/" + f);
  const std::vector<int> int8_ids = load_predicted_ids(run + "/eval/int8.json");
  ASSERT_EQ(int8_ids.size(), fp32_ids.size());
  const double agree = eval::agreement(int8_ids, fp32_ids);
  EXPECT_GE(agree, 0.95) << "INT8 predictions disagree with FP32 on " << (1 - agree) * 100 << "%";
  EXPECT_NE(r.pipeline.table.find("| INT8 |"), std::string::npos) << r.pipeline.table;
  // The INT8 model kept the recipe block; the bench ran both models on the same texts.
  const nlohmann::json cfg8 = nlohmann::json::parse(read_file(run + "/model-int8/config.json"));
  EXPECT_EQ(cfg8["bertq"], cfg["bertq"]);
  expect_file(run + "/bench.md");
  expect_file(run + "/plots/latency.svg");
  const nlohmann::json bench = nlohmann::json::parse(read_file(run + "/bench.json"));
  EXPECT_EQ(bench["protocol"]["max_length"], 64);
  EXPECT_EQ(bench["models"].size(), 2u);
  const std::string md = read_file(run + "/report.md");
  EXPECT_NE(md.find("## Benchmark"), std::string::npos);
  EXPECT_NE(md.find("confusion"), std::string::npos);
  EXPECT_NE(md.find("Tokenization (evaluation and benchmark): max length 64"), std::string::npos);
}

TEST(Demo, RerunAfterTrainSkipsTraining) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  DemoOptions o = tiny(run);
  o.stop_after = "train";
  const DemoResult first = run_demo(o);
  EXPECT_TRUE(first.pipeline.stopped_early);
  ASSERT_TRUE(first.pipeline.find("train"));
  EXPECT_FALSE(first.pipeline.find("train")->skipped);
  EXPECT_FALSE(first.pipeline.find("eval_fp32"));
  const std::string marker = run + "/stages/train.done",
                    model = run + "/model-fp32/model.safetensors";
  const std::string marker_bytes = read_file(marker), model_bytes = read_file(model);
  const int64_t marker_t = mtime_ns(marker), model_t = mtime_ns(model);

  o.stop_after = "eval_fp32";
  const DemoResult second = run_demo(o);
  for (const auto& s : second.setup) EXPECT_TRUE(s.skipped) << s.stage;
  ASSERT_TRUE(second.pipeline.find("train"));
  EXPECT_TRUE(second.pipeline.find("data")->skipped);
  EXPECT_TRUE(second.pipeline.find("train")->skipped) << "training was repeated";
  ASSERT_TRUE(second.pipeline.find("eval_fp32"));
  EXPECT_FALSE(second.pipeline.find("eval_fp32")->skipped);
  EXPECT_EQ(read_file(marker), marker_bytes);
  EXPECT_EQ(mtime_ns(marker), marker_t);
  EXPECT_EQ(read_file(model), model_bytes);
  EXPECT_EQ(mtime_ns(model), model_t);
  expect_file(run + "/eval/fp32.json");

  // Changing a training option reruns training (and only then).
  o.seed = 2;
  o.stop_after = "train";
  const DemoResult third = run_demo(o);
  EXPECT_FALSE(third.pipeline.find("train")->skipped);
  EXPECT_NE(read_file(marker), marker_bytes);
}

TEST(Demo, InterruptedTrainingResumes) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  DemoOptions o = tiny(run);
  o.train_stop_at_step = 5;  // as if Ctrl-C arrived after step 5
  try {
    run_demo(o);
    FAIL() << "expected INTERRUPTED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INTERRUPTED) << e.what();
    EXPECT_NE(std::string(e.what()).find("stage train: interrupted at step 5"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(run + "/stages/train.done"));
  EXPECT_FALSE(fs::exists(run + "/model-fp32"));
  expect_file(run + "/train/checkpoint/state.json");
  const std::string stamp = run + "/train/pipeline_inputs.json";
  const int64_t stamp_t = mtime_ns(stamp);

  o.train_stop_at_step = 0;
  o.stop_after = "train";
  const DemoResult r = run_demo(o);
  const StageOutcome* t = r.pipeline.find("train");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->skipped);
  EXPECT_EQ(mtime_ns(stamp), stamp_t) << "RUN/train was cleared: training started over";
  EXPECT_EQ(t->result["steps"], t->result["total_steps"]);
  expect_file(run + "/model-fp32/model.safetensors");
  expect_file(run + "/stages/train.done");
}

// The default demo fine-tunes the pretrained checkpoint (here on the synthetic corpus, as on a
// machine without IMDB, stopped after a few steps): the base model is the pretrained one with
// the corpus's labels and its weights are the checkpoint's (not a random init).
TEST(Demo, PretrainedStartsFromTheCheckpoint) {
  BERTQ_REQUIRE_PRETRAINED(model);
  testing::TempDir dir;
  DemoOptions o;
  o.out = dir.file("run");
  o.data = "synthetic";
  o.threads = 2;
  o.progress = false;
  o.stop_after = "train";
  o.train_stop_at_step = 2;
  const PipelineOptions p = demo_pipeline_options(o, false);
  EXPECT_EQ(p.model, kDemoModel);
  EXPECT_EQ(p.train.epochs, 1);
  try {
    run_demo(o);
    FAIL() << "training was to stop after step 2";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted at step 2"), std::string::npos) << e.what();
  }
  const auto base = io::ModelFolder::load(o.out + "/base", io::HeadPolicy::ALLOW_MISSING);
  const auto pre = io::ModelFolder::load(model, io::HeadPolicy::ALLOW_MISSING);
  EXPECT_EQ(base.config.num_hidden_layers, 6);
  EXPECT_EQ(base.config.hidden_size, 384);
  EXPECT_EQ(base.config.id2label, data::synthetic_labels());
  const auto& a = base.weights.get(io::BertTensor::Q_WEIGHT, 3);
  const auto& b = pre.weights.get(io::BertTensor::Q_WEIGHT, 3);
  ASSERT_EQ(a.nbytes, b.nbytes);
  EXPECT_EQ(std::memcmp(a.data, b.data, a.nbytes), 0) << "the base model is not the checkpoint";
  expect_file(o.out + "/train/checkpoint/model.safetensors");
}

#endif

TEST(Demo, BadOptions) {
  testing::TempDir dir;
  DemoOptions o = tiny(dir.file("run"));
  o.size = "huge";
  EXPECT_THROW(run_demo(o), Error);
  o = tiny(dir.file("run2"));
  o.data = "elsewhere";
  EXPECT_THROW(run_demo(o), Error);
  o.model = dir.file("no-such-model");
  o.data = "auto";
  EXPECT_THROW(run_demo(o), Error);
  PipelineOptions p;
  p.out = dir.file("p");
  p.stop_after = "nope";
  try {
    run_pipeline(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("--stop-after nope"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bertq::pipeline
