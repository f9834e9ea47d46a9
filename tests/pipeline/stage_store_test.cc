// Done-markers: a stage is complete only with the same inputs and untouched outputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "pipeline/stage_store.h"

namespace bertq::pipeline {
namespace {

TEST(StageStore, CompleteOnlyWithSameInputsAndOutputs) {
  testing::TempDir dir;
  StageStore store(dir.path());
  const nlohmann::json in = {{"lr", 1e-3}, {"epochs", 2}};
  std::string why;
  EXPECT_FALSE(store.completed("train", in, &why));
  EXPECT_EQ(why, "not run yet");

  make_dirs(dir.file("model"));
  write_file_atomic(dir.file("model/a.bin"), "abc");
  write_file_atomic(dir.file("log.txt"), "x");
  store.mark_done("train", in, {dir.file("model"), dir.file("log.txt")}, {{"steps", 7}}, 1.5);
  EXPECT_TRUE(file_exists(dir.file("stages/train.done")));

  auto done = store.completed("train", in, &why);
  ASSERT_TRUE(done) << why;
  EXPECT_EQ((*done)["result"]["steps"], 7);
  EXPECT_EQ((*done)["outputs"].size(), 2u);

  EXPECT_FALSE(store.completed("train", nlohmann::json{{"lr", 1e-3}, {"epochs", 3}}, &why));
  EXPECT_EQ(why, "its options or inputs changed");

  {  // an output rewritten with other bytes
    std::ofstream f(dir.file("model/a.bin"), std::ios::app);
    f << "more";
  }
  EXPECT_FALSE(store.completed("train", in, &why));
  EXPECT_NE(why.find("changed"), std::string::npos) << why;

  store.mark_done("train", in, {dir.file("model")}, {}, 0);
  ASSERT_TRUE(store.completed("train", in));
  std::filesystem::remove(dir.file("model/a.bin"));
  EXPECT_FALSE(store.completed("train", in, &why));
  EXPECT_NE(why.find("missing"), std::string::npos) << why;

  store.invalidate("train");
  EXPECT_FALSE(file_exists(dir.file("stages/train.done")));
}

TEST(StageStore, MissingOutputIsAnError) {
  testing::TempDir dir;
  StageStore store(dir.path());
  try {
    store.mark_done("x", {}, {dir.file("nope")}, {}, 0);
    FAIL() << "expected NOT_FOUND";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(file_exists(dir.file("stages/x.done")));
}

TEST(StageStore, CorruptMarkerReruns) {
  testing::TempDir dir;
  StageStore store(dir.path());
  make_dirs(dir.file("stages"));
  write_file_atomic(dir.file("stages/eval.done"), "{not json");
  std::string why;
  EXPECT_FALSE(store.completed("eval", {}, &why));
  EXPECT_NE(why.find("unreadable"), std::string::npos) << why;
}

}  // namespace
}  // namespace bertq::pipeline
