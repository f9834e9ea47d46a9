// SHA-256 against the FIPS 180-4 / NIST example vectors, streaming vs one-shot, files.
#include "data/sha256.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "core/file_util.h"

namespace bertq::data {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, StreamingAndFile) {
  std::string big(1 << 21, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
  Sha256 h;
  for (size_t i = 0; i < big.size(); i += 1000)
    h.update(big.data() + i, std::min<size_t>(1000, big.size() - i));
  const std::string streamed = h.hex_digest();
  EXPECT_EQ(streamed, sha256_hex(big));
  bertq::testing::TempDir dir;
  write_file_atomic(dir.file("f"), big);
  EXPECT_EQ(sha256_file(dir.file("f")), streamed);
  big[12345] ^= 1;
  EXPECT_NE(sha256_hex(big), streamed);
}

}  // namespace
}  // namespace bertq::data
