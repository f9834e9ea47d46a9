// ApiKeys (see api_keys.h).
#include "server/api_keys.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::server {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> read_key_file(const std::string& file) {
  check(file_exists(file), ErrorCode::NOT_FOUND, "--api-key-file ", file, ": no such file");
  std::vector<std::string> keys = parse_key_lines(read_file(file));
  check(!keys.empty(), ErrorCode::INVALID_ARGUMENT, "--api-key-file ", file,
        ": no key in it (one key per line)");
  return keys;
}

}  // namespace

std::vector<std::string> parse_key_lines(std::string_view text) {
  std::vector<std::string> keys;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.front() != '#') keys.emplace_back(line);
  }
  return keys;
}

std::vector<std::string> parse_key_list(std::string_view text) {
  std::vector<std::string> keys;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (is_space(text[i]) || text[i] == ',')) ++i;
    size_t j = i;
    while (j < text.size() && !is_space(text[j]) && text[j] != ',') ++j;
    if (j > i) keys.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return keys;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

ApiKeys ApiKeys::load(const std::string& file, const char* env) {
  ApiKeys k;
  k.file_ = file;
  if (env != nullptr) k.env_keys_ = parse_key_list(env);
  k.keys_ = k.env_keys_;
  if (!file.empty()) {
    const std::vector<std::string> from_file = read_key_file(file);
    k.keys_.insert(k.keys_.end(), from_file.begin(), from_file.end());
  }
  return k;
}

ApiKeys::ApiKeys(const ApiKeys& other) {
  std::lock_guard<std::mutex> lock(other.mu_);
  file_ = other.file_;
  env_keys_ = other.env_keys_;
  keys_ = other.keys_;
}

ApiKeys& ApiKeys::operator=(const ApiKeys& other) {
  if (this == &other) return *this;
  ApiKeys copy(other);
  std::lock_guard<std::mutex> lock(mu_);
  file_ = std::move(copy.file_);
  env_keys_ = std::move(copy.env_keys_);
  keys_ = std::move(copy.keys_);
  return *this;
}

bool ApiKeys::enabled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !keys_.empty() || !file_.empty();
}

size_t ApiKeys::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

bool ApiKeys::allows(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (char(std::tolower(static_cast<unsigned char>(authorization[i]))) != kScheme[i])
      return false;
  const std::string_view given = trim(authorization.substr(kScheme.size()));
  std::lock_guard<std::mutex> lock(mu_);
  bool found = false;
  for (const std::string& k : keys_) found |= constant_time_equal(given, k);  // no early exit
  return found;
}

void ApiKeys::reload() {
  std::string file;
  {
    std::lock_guard<std::mutex> lock(mu_);
    file = file_;
  }
  if (file.empty()) return;
  std::vector<std::string> keys = read_key_file(file);  // throws: the keys in use stay
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> all = env_keys_;
  all.insert(all.end(), keys.begin(), keys.end());
  keys_ = std::move(all);
}

}  // namespace bertq::server
