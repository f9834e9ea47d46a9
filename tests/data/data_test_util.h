// Helpers for the data tests: drain a reader, write small fixture files.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/file_util.h"
#include "data/example.h"

namespace bertq::data::testing {

inline std::vector<Example> drain(DatasetReader& r) {
  std::vector<Example> out;
  Example ex;
  while (r.next(ex)) out.push_back(ex);
  return out;
}

// Runs f and returns the bertq::Error message it throws ("" if it throws none).
template <typename F>
std::string error_of(F&& f, ErrorCode* code = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "";
}

}  // namespace bertq::data::testing
