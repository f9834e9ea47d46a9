// resolve_model / transformer_folder on the folder layouts users have: a plain Hugging Face
// folder, a sentence-transformers folder with the transformer at the root (all-MiniLM-L6-v2)
// or in a sub-folder (older "0_Transformer" layouts), and broken modules.json files, each an
// error naming the file.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "data/hub.h"
#include "data_test_util.h"

namespace bertq::data {
namespace {

using testing::error_of;

constexpr const char* kModules =
    R"([{"idx": 0, "name": "0", "path": "%s", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])";

std::string modules_json(const std::string& path) {
  std::string s = kModules;
  s.replace(s.find("%s"), 2, path);
  return s;
}

TEST(ResolveModel, PlainAndSentenceTransformersLayouts) {
  bertq::testing::TempDir tmp;
  // Root layout: config.json beside modules.json -> the folder itself.
  const std::string root = tmp.file("st-root");
  make_dirs(root);
  write_file_atomic(root + "/config.json", "{}");
  write_file_atomic(root + "/modules.json", modules_json(""));
  EXPECT_EQ(resolve_model(root), root);
  // Sub-folder layout: the Transformer module's path.
  const std::string st = tmp.file("st-sub");
  make_dirs(st + "/0_Transformer");
  write_file_atomic(st + "/0_Transformer/config.json", "{}");
  write_file_atomic(st + "/modules.json", modules_json("0_Transformer"));
  EXPECT_EQ(resolve_model(st), st + "/0_Transformer");
}

TEST(ResolveModel, BrokenLayoutsNameTheFile) {
  bertq::testing::TempDir tmp;
  const std::string d = tmp.file("m");
  make_dirs(d);
  EXPECT_NE(error_of([&] { resolve_model(d); }).find(d + ": not a model folder"),
            std::string::npos);
  write_file_atomic(d + "/modules.json", "{not json");
  EXPECT_NE(error_of([&] { resolve_model(d); }).find(d + "/modules.json: not JSON"),
            std::string::npos);
  write_file_atomic(d + "/modules.json", modules_json("../elsewhere"));
  EXPECT_NE(error_of([&] { resolve_model(d); }).find("leaves the folder"), std::string::npos);
  write_file_atomic(d + "/modules.json", modules_json("0_Transformer"));  // no such folder
  EXPECT_NE(error_of([&] { resolve_model(d); }).find("has no config.json"), std::string::npos);
  write_file_atomic(d + "/modules.json",
                    R"([{"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])");
  EXPECT_NE(error_of([&] { resolve_model(d); }).find("no sentence_transformers.models.Transformer"),
            std::string::npos);
}

}  // namespace
}  // namespace bertq::data
