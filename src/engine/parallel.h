// Internal to src/engine: splits [0, rows) into blocks of at least `grain` rows over the calling
// thread's OpenMP team (one block per thread at most) and runs fn(begin, end) on each.
#pragma once

#include <omp.h>

#include <cstddef>

namespace bertq::engine {

template <class F>
void parallel_rows(size_t rows, size_t grain, F fn) {
  const int nt = omp_get_max_threads();
  size_t blocks = (rows + grain - 1) / grain;
  if (blocks > size_t(nt)) blocks = size_t(nt);
  if (blocks <= 1) {
    fn(size_t(0), rows);
    return;
  }
#pragma omp parallel for num_threads(int(blocks)) schedule(static)
  for (size_t i = 0; i < blocks; ++i) {
    fn(rows * i / blocks, rows * (i + 1) / blocks);
  }
}

}  // namespace bertq::engine
