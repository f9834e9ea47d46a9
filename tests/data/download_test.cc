// Downloads against a local HTTP server started by the test on 127.0.0.1 (no other address
// is contacted): a fake hub tree (plain files, an LFS file behind a 302 with X-Linked-Etag /
// X-Linked-Size, a missing optional file), a fake aclImdb tarball; full download, resume
// after a cut connection, checksum mismatch, 404, fetched-once caching.
#include "data/download.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "acl_imdb_fixture.h"
#include "common/test_util.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "data/hub.h"
#include "data/sha256.h"
#include "data_test_util.h"
#include "fake_hub.h"
#include "http_test_server.h"

namespace bertq::data {
namespace {

using testing::blob;
using testing::error_of;
using testing::FakeHub;
using testing::HttpRequest;
using testing::HttpResponse;
using testing::HttpTestServer;

size_t count_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

DownloadOptions quiet() {
  DownloadOptions o;
  o.progress = false;
  return o;
}

TEST(Download, HubModelFullDownloadCachedOnce) {
  FakeHub hub;
  HttpTestServer server(std::ref(hub));
  bertq::testing::TempDir dir;
  setenv("BERTQ_HOME", dir.path().c_str(), 1);
  HubOptions o;
  o.endpoint = server.url();
  o.token = "secret-token";
  o.progress = false;
  const std::string out = download_model("bert-tiny", o);
  EXPECT_EQ(out, model_cache_dir("bert-tiny", "main"));
  EXPECT_EQ(out, dir.path() + "/models/bert-tiny/main");
  EXPECT_EQ(read_file(out + "/config.json"), "{\"hidden_size\": 32}");
  EXPECT_EQ(read_file(out + "/vocab.txt"), "[PAD]\n[UNK]\nhello\n");
  EXPECT_EQ(read_file(out + "/model.safetensors"), hub.weights);
  EXPECT_FALSE(file_exists(out + "/tokenizer_config.json"));  // optional, 404 on the hub
  EXPECT_TRUE(file_exists(out + "/bertq_download.json"));
  EXPECT_EQ(count_files(out), 5u);  // 4 files + the manifest: no .part or temp files left
  const auto reqs = server.requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs[0].headers.at("authorization"), "Bearer secret-token");
  EXPECT_EQ(resolve_model("bert-tiny"), out);
  EXPECT_EQ(resolve_model(out), out);
  // Fetched once: a second call sends no request.
  const size_t before = server.requests().size();
  download_model("bert-tiny", o);
  EXPECT_EQ(server.requests().size(), before);
  const std::string msg = error_of([] { resolve_model("other-model"); });
  EXPECT_NE(msg.find("bertq download model other-model"), std::string::npos) << msg;
  unsetenv("BERTQ_HOME");
}

TEST(Download, LfsChecksumMismatchRejected) {
  FakeHub hub;
  hub.corrupt_lfs = true;
  HttpTestServer server(std::ref(hub));
  bertq::testing::TempDir dir;
  HubOptions o;
  o.endpoint = server.url();
  o.to = dir.file("m");
  o.progress = false;
  ErrorCode code{};
  const std::string msg = error_of([&] { download_model("bert-tiny", o); }, &code);
  EXPECT_EQ(code, ErrorCode::CORRUPT_FILE);
  EXPECT_NE(msg.find("sha256 mismatch: expected " + sha256_hex(hub.weights)), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
  EXPECT_FALSE(file_exists(dir.file("m/model.safetensors")));
  EXPECT_FALSE(file_exists(dir.file("m/model.safetensors.part")));
}

TEST(Download, NotFoundIsReportedClearly) {
  HttpTestServer server([](const HttpRequest&) {
    HttpResponse r;
    r.status = 404;
    r.body = "Repository not found";
    return r;
  });
  bertq::testing::TempDir dir;
  ErrorCode code{};
  const std::string url = server.url("/nope/resolve/main/config.json");
  const std::string msg =
      error_of([&] { download_file(url, dir.file("config.json"), quiet()); }, &code);
  EXPECT_EQ(code, ErrorCode::NOT_FOUND);
  EXPECT_NE(msg.find(url + ": HTTP 404"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Repository not found"), std::string::npos) << msg;
  EXPECT_EQ(count_files(dir.path()), 0u);
  HubOptions o;
  o.endpoint = server.url();
  o.to = dir.file("m");
  o.progress = false;
  const std::string m2 = error_of([&] { download_model("nope", o); });
  EXPECT_NE(m2.find("download model nope@main"), std::string::npos) << m2;
  EXPECT_NE(m2.find("config.json: HTTP 404"), std::string::npos) << m2;
}

TEST(Download, ResumeAfterCutConnection) {
  const std::string tarball = blob(200000, 7);
  std::atomic<int> calls{0};
  HttpTestServer server([&](const HttpRequest&) {
    HttpResponse r;
    r.body = tarball;
    if (calls++ == 0) r.cut_after = 81920;  // the first transfer dies part way
    return r;
  });
  bertq::testing::TempDir dir;
  const std::string dest = dir.file("aclImdb_v1.tar.gz");
  DownloadOptions o = quiet();
  o.sha256 = sha256_hex(tarball);
  o.max_attempts = 1;
  ErrorCode code{};
  const std::string msg = error_of([&] { download_file(server.url("/t.tar.gz"), dest, o); }, &code);
  EXPECT_EQ(code, ErrorCode::IO) << msg;
  EXPECT_FALSE(file_exists(dest));
  ASSERT_TRUE(file_exists(dest + ".part"));
  EXPECT_EQ(read_file(dest + ".part"), tarball.substr(0, 81920));
  // The next call resumes from the .part file with a Range request.
  o.max_attempts = 3;
  const DownloadResult r = download_file(server.url("/t.tar.gz"), dest, o);
  EXPECT_EQ(r.resumed_from, 81920u);
  EXPECT_TRUE(r.verified_sha256);
  EXPECT_EQ(read_file(dest), tarball);
  EXPECT_FALSE(file_exists(dest + ".part"));
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].headers.count("range"), 0u);
  EXPECT_EQ(reqs[1].headers.at("range"), "bytes=81920-");
}

TEST(Download, RetriesWithinOneCall) {
  const std::string body = blob(100000, 3);
  std::atomic<int> calls{0};
  HttpTestServer server([&](const HttpRequest&) {
    HttpResponse r;
    r.body = body;
    if (calls++ < 2) r.cut_after = 10000 * static_cast<size_t>(calls.load());
    return r;
  });
  bertq::testing::TempDir dir;
  const DownloadResult r = download_file(server.url("/f"), dir.file("f"), quiet());
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(read_file(dir.file("f")), body);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].headers.at("range"), "bytes=10000-");
  EXPECT_EQ(reqs[2].headers.at("range"), "bytes=30000-");
}

TEST(Download, ChecksumMismatchRemovesEverything) {
  HttpTestServer server([](const HttpRequest&) {
    HttpResponse r;
    r.body = "not the real tarball";
    return r;
  });
  bertq::testing::TempDir dir;
  ImdbDownloadOptions o;
  o.url = server.url("/aclImdb_v1.tar.gz");
  o.sha256 = kImdbSha256;
  o.to = dir.path();
  o.progress = false;
  ErrorCode code{};
  const std::string msg = error_of([&] { download_imdb(o); }, &code);
  EXPECT_EQ(code, ErrorCode::CORRUPT_FILE);
  EXPECT_NE(msg.find(std::string("sha256 mismatch: expected ") + kImdbSha256), std::string::npos)
      << msg;
  EXPECT_EQ(count_files(dir.path()), 0u);
}

TEST(Download, ImdbTarballDownloadedThenReadAsImdbSpec) {
  bertq::testing::TempDir src;
  write_tarball(src.file("fake.tar.gz"));
  const std::string tarball = read_file(src.file("fake.tar.gz"));
  HttpTestServer server([&](const HttpRequest& req) {
    HttpResponse r;
    if (req.path == "/aclImdb_v1.tar.gz")
      r.body = tarball;
    else
      r.status = 404;
    return r;
  });
  bertq::testing::TempDir home;
  setenv("BERTQ_HOME", home.path().c_str(), 1);
  unsetenv("BERTQ_IMDB_DIR");
  ImdbDownloadOptions o;
  o.url = server.url("/aclImdb_v1.tar.gz");
  o.sha256 = sha256_hex(tarball);
  o.progress = false;
  const std::string path = download_imdb(o);
  EXPECT_EQ(path, home.path() + "/datasets/aclImdb_v1.tar.gz");
  EXPECT_EQ(testing::drain(*open_dataset("imdb:train")).size(), 5u);
  // Already there: verified from disk, not fetched again.
  download_imdb(o);
  EXPECT_EQ(server.requests().size(), 1u);
  unsetenv("BERTQ_HOME");
}

TEST(Download, SizeMismatchRejected) {
  HttpTestServer server([](const HttpRequest&) {
    HttpResponse r;
    r.body = "12345";
    return r;
  });
  bertq::testing::TempDir dir;
  DownloadOptions o = quiet();
  o.size = 6;
  o.max_attempts = 1;
  const std::string msg = error_of([&] { download_file(server.url("/x"), dir.file("x"), o); });
  EXPECT_NE(msg.find("connection closed after 5 of 6 bytes"), std::string::npos) << msg;
  EXPECT_FALSE(file_exists(dir.file("x")));
}

}  // namespace
}  // namespace bertq::data
