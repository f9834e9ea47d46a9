// API keys for the model routes: `Authorization: Bearer KEY` must carry one of them.
// Keys come from a file (one per line; blank lines and lines starting with '#' ignored;
// surrounding whitespace trimmed) and/or the environment variable BERTQ_API_KEYS (keys separated
// by commas or whitespace), for containers that pass secrets as variables. The file is read
// again by reload() (`bertq serve` calls it on SIGHUP); a reload that fails keeps the keys in
// use and throws. Keys are compared in constant time (over every key, whatever matches) and
// never logged or put in an error message.
//
//   ApiKeys keys = ApiKeys::load("/etc/bertq/keys", std::getenv("BERTQ_API_KEYS"));
//   if (keys.enabled() && !keys.allows(request.header("authorization"))) answer 401;
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::server {

class ApiKeys {
 public:
  ApiKeys() = default;  // no keys: every request allowed
  // `file` "" = none; `env` may be null. NOT_FOUND / INVALID_ARGUMENT naming the file (an
  // existing file without a key is an error: it would lock every client out silently).
  static ApiKeys load(const std::string& file, const char* env);
  ApiKeys(const ApiKeys& other);
  ApiKeys& operator=(const ApiKeys& other);

  bool enabled() const;
  size_t size() const;
  // True when `authorization` is "Bearer KEY" (scheme case-insensitive) with a known KEY.
  bool allows(std::string_view authorization) const;
  // Reads the file again (the environment's keys stay). Thread-safe against allows().
  void reload();

 private:
  mutable std::mutex mu_;
  std::string file_;
  std::vector<std::string> env_keys_, keys_;
};

// The keys in a file's text / an environment variable's value (see above).
std::vector<std::string> parse_key_lines(std::string_view text);
std::vector<std::string> parse_key_list(std::string_view text);
// Equal contents in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace bertq::server
