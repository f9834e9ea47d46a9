// Shared by the Unigram tests: where scripts/reference/unigram_reference.py wrote its output
// (scripts/test.sh runs it into BUILD_DIR/tokenizer-reference/unigram) and how to read it.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "core/line_reader.h"

namespace bertq::text::testing {

inline const std::string kUnigramDir =
    std::string(BERTQ_BINARY_DIR) + "/tokenizer-reference/unigram/";
inline const std::vector<std::string> kUnigramVariants = {"plain", "byte_fallback", "legacy_format",
                                                          "prepend_first"};

#define BERTQ_REQUIRE_UNIGRAM_REFERENCE()                                                         \
  if (!std::filesystem::exists(::bertq::text::testing::kUnigramDir + "prepend_first/pair.jsonl")) \
  GTEST_SKIP() << ::bertq::text::testing::kUnigramDir                                             \
               << " is absent: scripts/test.sh makes it (.venv/bin/python "                       \
                  "scripts/reference/unigram_reference.py BUILD_DIR/tokenizer-reference/unigram)"

inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  LineReader r(path);
  std::string line;
  while (r.next(line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

inline std::string unigram_tokenizer_dir(const std::string& variant) {
  return kUnigramDir + variant + "/tokenizer";
}

}  // namespace bertq::text::testing
