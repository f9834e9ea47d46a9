// SHA-256 wrapper over EVP_DigestInit/Update/Final; files are hashed in 1 MiB reads.
#include "data/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace bertq::data {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  check(ctx_ != nullptr &&
            EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) == 1,
        ErrorCode::INTERNAL, "sha256: OpenSSL EVP initialisation failed");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256::update(const void* data, size_t size) {
  check(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size) == 1, ErrorCode::INTERNAL,
        "sha256: update failed");
}

std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  check(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &n) == 1, ErrorCode::INTERNAL,
        "sha256: final failed");
  static const char* kHex = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

std::string sha256_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, errno == ENOENT ? ErrorCode::NOT_FOUND : ErrorCode::IO, path,
        ": cannot open: ", std::strerror(errno));
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string msg = cat(path, ": read failed: ", std::strerror(errno));
      ::close(fd);
      throw Error(ErrorCode::IO, msg);
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return h.hex_digest();
}

}  // namespace bertq::data
