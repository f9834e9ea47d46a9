// Helpers shared by the test binaries: where ../shared is, temp folders, comparisons that
// report index, got, expected and the difference.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace bertq::testing {

// The read-only shared folder (BERTQ_SHARED env var, else the one beside the checkout), or ""
// when absent.
inline std::string shared_dir() {
  const char* env = std::getenv("BERTQ_SHARED");
  std::string dir = env != nullptr ? env : BERTQ_SHARED_DIR_DEFAULT;
  return std::filesystem::is_directory(dir) ? dir : "";
}

// Path inside ../shared, or "" (and the caller skips) when ../shared or the file is absent.
inline std::string shared_path(const std::string& rel) {
  const std::string dir = shared_dir();
  if (dir.empty()) return "";
  const std::string p = dir + "/" + rel;
  return std::filesystem::exists(p) ? p : "";
}

#define BERTQ_REQUIRE_SHARED(var, rel)                                       \
  const std::string var = ::bertq::testing::shared_path(rel);                \
  if (var.empty())                                                           \
  GTEST_SKIP() << "../shared/" << (rel) << " is absent (a user's machine): " \
               << "skipping this reference test"

// A fresh temp folder removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bertq_test_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Relative L2 error ||a - b|| / ||b||.
inline double rel_l2(const float* a, const float* b, size_t n) {
  double num = 0, den = 0;
  for (size_t i = 0; i < n; ++i) {
    num += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    den += double(b[i]) * b[i];
  }
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

// Asserts |a[i]-b[i]| <= atol + rtol*|b[i]| for all i, reporting the first failure.
inline ::testing::AssertionResult all_close(const float* a, const float* b, size_t n, double rtol,
                                            double atol) {
  double max_diff = 0;
  for (size_t i = 0; i < n; ++i) max_diff = std::max(max_diff, std::fabs(double(a[i]) - b[i]));
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(double(a[i]) - b[i]);
    if (!(d <= atol + rtol * std::fabs(double(b[i])))) {
      return ::testing::AssertionFailure()
             << "index " << i << ": got " << a[i] << ", expected " << b[i] << " (diff " << d
             << ", max diff " << max_diff << ", rtol " << rtol << ", atol " << atol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace bertq::testing
