// The pretrained checkpoint tests run on: sentence-transformers/all-MiniLM-L6-v2 from bertq's
// cache, where `scripts/setup.sh --pretrained` (called by scripts/test.sh) places it offline.
// Tests skip with a message where it is absent (a user's machine without that step).
//
//   BERTQ_REQUIRE_PRETRAINED(dir);   // std::string dir = the model folder, or GTEST_SKIP
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "data/hub.h"

namespace bertq::testing {

inline constexpr const char* kPretrainedModel = "sentence-transformers/all-MiniLM-L6-v2";

// The folder, or "" (with the reason in `why`).
inline std::string find_pretrained(std::string* why) {
  try {
    return data::resolve_model(kPretrainedModel);
  } catch (const Error& e) {
    *why = e.what();
    return "";
  }
}

}  // namespace bertq::testing

#define BERTQ_REQUIRE_PRETRAINED(var)                                                             \
  std::string var;                                                                                \
  {                                                                                               \
    std::string why_;                                                                             \
    var = ::bertq::testing::find_pretrained(&why_);                                               \
    if (var.empty())                                                                              \
      GTEST_SKIP() << ::bertq::testing::kPretrainedModel                                          \
                   << " is not in the cache (scripts/setup.sh --pretrained places it): " << why_; \
  }
