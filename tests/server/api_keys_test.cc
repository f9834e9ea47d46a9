// API keys: file and environment parsing, the Bearer check (constant-time comparison), reload
// keeping the old keys on a bad file, and clear errors naming the file.
#include "server/api_keys.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/test_util.h"
#include "core/error.h"

namespace bertq::server {
namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(ApiKeys, FileLinesAndEnvironmentList) {
  EXPECT_EQ(parse_key_lines("  alpha \n# comment\n\nbeta\r\n"),
            (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(parse_key_list(" k1,k2  k3,\n"), (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_TRUE(parse_key_list("").empty());
}

TEST(ApiKeys, BearerCheck) {
  ::bertq::testing::TempDir tmp;
  write(tmp.file("keys"), "secret-one\nsecret-two\n");
  const ApiKeys keys = ApiKeys::load(tmp.file("keys"), "env-key");
  EXPECT_TRUE(keys.enabled());
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_TRUE(keys.allows("Bearer secret-one"));
  EXPECT_TRUE(keys.allows("bearer secret-two"));
  EXPECT_TRUE(keys.allows("Bearer env-key"));
  EXPECT_FALSE(keys.allows(""));
  EXPECT_FALSE(keys.allows("Bearer "));
  EXPECT_FALSE(keys.allows("Bearer secret"));       // a prefix of a key
  EXPECT_FALSE(keys.allows("Bearer secret-one2"));  // a key with more
  EXPECT_FALSE(keys.allows("Basic secret-one"));    // another scheme
  EXPECT_FALSE(keys.allows("secret-one"));          // no scheme
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  const ApiKeys none;
  EXPECT_FALSE(none.enabled());
}

TEST(ApiKeys, ReloadReplacesFileKeysAndKeepsThemOnAFailure) {
  ::bertq::testing::TempDir tmp;
  write(tmp.file("keys"), "old\n");
  ApiKeys keys = ApiKeys::load(tmp.file("keys"), nullptr);
  EXPECT_TRUE(keys.allows("Bearer old"));
  write(tmp.file("keys"), "new\n");
  keys.reload();
  EXPECT_TRUE(keys.allows("Bearer new"));
  EXPECT_FALSE(keys.allows("Bearer old"));
  write(tmp.file("keys"), "# nothing\n");
  EXPECT_THROW(keys.reload(), Error);
  EXPECT_TRUE(keys.allows("Bearer new"));  // the keys in use stay
}

TEST(ApiKeys, ErrorsNameTheFileButNeverAKey) {
  ::bertq::testing::TempDir tmp;
  try {
    ApiKeys::load(tmp.file("absent"), nullptr);
    FAIL() << "no error for a missing key file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos) << e.what();
  }
  write(tmp.file("empty"), "\n\n");
  EXPECT_THROW(ApiKeys::load(tmp.file("empty"), nullptr), Error);
}

}  // namespace
}  // namespace bertq::server
