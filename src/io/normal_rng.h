// A reproducible normal random generator: std::mt19937_64 (fully specified by the standard)
// plus our own Box-Muller transform, because std::normal_distribution is implementation
// defined and may change between libstdc++ versions. Same seed -> same numbers everywhere.
//
//   bertq::io::NormalRng rng(42);
//   float w = static_cast<float>(0.02 * rng.normal());
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace bertq::io {

class NormalRng {
 public:
  explicit NormalRng(uint64_t seed) : gen_(seed) {}

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

  // Standard normal. Box-Muller: r = sqrt(-2 ln u1), angle 2 pi u2 gives two independent
  // normals r cos, r sin; the second is kept for the next call. u1 in (0, 1] avoids log(0).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * 3.14159265358979323846 * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  std::mt19937_64 gen_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace bertq::io
