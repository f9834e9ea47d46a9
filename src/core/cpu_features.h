// CPU feature detection, done once per process (CPUID for the instructions, XGETBV for the
// operating system's support of the AVX / AVX-512 register state), and the ISA tier kernels are
// dispatched on. BERTQ_FORCE_ISA=generic|avx2|avx512|avx512_vnni lowers the tier (never raises
// it above what the machine supports: asking for more is an error).
//
//   const auto& f = bertq::cpu_features();
//   if (f.avx512_vnni) ...;           bertq::active_isa() == bertq::Isa::AVX512_VNNI
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bertq {

// Tiers, in increasing order. Each tier implies the ones below it.
enum class Isa { GENERIC = 0, AVX2 = 1, AVX512 = 2, AVX512_VNNI = 3 };

struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false;
  bool avx512_vnni = false, avx512_bf16 = false, avx_vnni = false, amx_int8 = false;
  bool os_avx = false, os_avx512 = false;  // XGETBV: the OS saves YMM / ZMM+opmask state
  std::string brand;
};

const CpuFeatures& cpu_features();

// The best tier the machine (and OS) supports.
Isa best_isa();
// The tier in use: best_isa(), lowered by BERTQ_FORCE_ISA. Decided once.
Isa active_isa();
// Every tier this machine supports, GENERIC first (tests run each of them).
std::vector<Isa> supported_isas();

std::string_view isa_name(Isa isa);
// Parses "generic", "avx2", "avx512", "avx512_vnni"; throws INVALID_ARGUMENT otherwise.
Isa parse_isa(std::string_view name);

}  // namespace bertq
