// Helpers for the io tests: build safetensors bytes from a JSON header and a data section, and
// edit the header of a valid file, so each hostile case is a small edit of a good file.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/safetensors.h"

namespace bertq::io::testing {

using OJson = nlohmann::ordered_json;

inline std::string le64(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

inline std::string build_file(const std::string& header_text, const std::string& data) {
  return le64(header_text.size()) + header_text + data;
}

struct Split {
  OJson header;
  std::string data;
};

inline Split split_file(const std::string& bytes) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  return {OJson::parse(bytes.substr(8, n)), bytes.substr(8 + n)};
}

// Applies `edit` to the header of a valid file and rebuilds it with the same data section.
inline std::string edit_header(const std::string& bytes, const std::function<void(OJson&)>& edit) {
  Split s = split_file(bytes);
  edit(s.header);
  return build_file(s.header.dump(), s.data);
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Parsing `bytes` must throw bertq::Error with `code` and a message containing every fragment.
inline ::testing::AssertionResult rejects(const std::string& bytes, ErrorCode code,
                                          std::initializer_list<std::string> fragments) {
  try {
    SafeTensorsFile::from_buffer(bytes, "bad.safetensors");
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (e.code() != code)
      return ::testing::AssertionFailure()
             << "wrong code " << error_code_name(e.code()) << ": " << msg;
    for (const auto& f : fragments)
      if (msg.find(f) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks \"" << f << "\": " << msg;
    return ::testing::AssertionSuccess() << msg;
  }
  return ::testing::AssertionFailure() << "accepted a bad file";
}

}  // namespace bertq::io::testing
