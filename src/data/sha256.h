// SHA-256 through OpenSSL's EVP interface (FIPS 180-4), as lowercase hex.
//
//   bertq::data::Sha256 h;  h.update(buf, n);  std::string hex = h.hex_digest();
//   std::string f = bertq::data::sha256_file("aclImdb_v1.tar.gz");
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bertq::data {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest of everything so far, as 64 lowercase hex digits (ends the hash).
  std::string hex_digest();

 private:
  void* ctx_;  // EVP_MD_CTX
};

std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::string& path);

}  // namespace bertq::data
