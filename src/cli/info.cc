// `bertq info`: what this machine and build offer (ISA tiers, threads), for bug reports and
// benchmark headers.
#include <cstdio>

#include "cli/command.h"
#include "cli/omp_defaults.h"
#include "core/cpu_budget.h"
#include "core/cpu_features.h"
#include "core/thread_pool.h"

namespace bertq::cli {
namespace {

void run_info() {
  const CpuFeatures& f = cpu_features();
  std::printf("bertq %s\n", BERTQ_VERSION);
  std::printf("cpu: %s\n", f.brand.c_str());
  std::printf("isa: best %s, active %s\n", std::string(isa_name(best_isa())).c_str(),
              std::string(isa_name(active_isa())).c_str());
  std::printf(
      "features: avx2=%d fma=%d avx512f=%d avx512bw=%d avx512vl=%d avx512_vnni=%d "
      "avx512_bf16=%d avx_vnni=%d amx_int8=%d\n",
      f.avx2, f.fma, f.avx512f, f.avx512bw, f.avx512vl, f.avx512_vnni, f.avx512_bf16, f.avx_vnni,
      f.amx_int8);
  const CpuBudget b = cpu_budget();
  std::printf("threads: %d (%s)\n", b.cpus, b.source.c_str());
  std::printf("openmp wait: %s\n", omp_wait_setting().c_str());
}

Command reg("info", 100, [](CLI::App& app) {
  app.add_subcommand("info", "Show the CPU features and ISA tier bertq uses")->callback(run_info);
});

}  // namespace
}  // namespace bertq::cli
