#include "core/cpu_features.h"

#include <cpuid.h>

#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace bertq {
namespace {

struct Regs {
  unsigned a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(unsigned leaf, unsigned sub) {
  Regs r;
  __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
  return r;
}

unsigned long long xgetbv0() {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
}

bool bit(unsigned v, int i) {
  return (v >> i) & 1u;
}

CpuFeatures detect() {
  CpuFeatures f;
  const unsigned max_leaf = __get_cpuid_max(0, nullptr);
  if (max_leaf < 1) return f;
  const Regs l1 = cpuid(1, 0);
  const bool osxsave = bit(l1.c, 27);
  if (osxsave) {
    const unsigned long long xcr0 = xgetbv0();
    f.os_avx = (xcr0 & 0x6) == 0x6;       // SSE + AVX (YMM) state
    f.os_avx512 = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  }
  f.fma = bit(l1.c, 12) && f.os_avx;
  f.f16c = bit(l1.c, 29) && f.os_avx;
  if (max_leaf >= 7) {
    const Regs l7 = cpuid(7, 0);
    f.avx2 = bit(l7.b, 5) && f.os_avx;
    f.avx512f = bit(l7.b, 16) && f.os_avx512;
    f.avx512dq = bit(l7.b, 17) && f.os_avx512;
    f.avx512bw = bit(l7.b, 30) && f.os_avx512;
    f.avx512vl = bit(l7.b, 31) && f.os_avx512;
    f.avx512_vnni = bit(l7.c, 11) && f.os_avx512;
    f.amx_int8 = bit(l7.d, 25);
    const Regs l71 = cpuid(7, 1);
    f.avx_vnni = bit(l71.a, 4) && f.os_avx;
    f.avx512_bf16 = bit(l71.a, 5) && f.os_avx512;
  }
  if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000004u) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      const Regs r = cpuid(0x80000002u + i, 0);
      std::memcpy(brand + 16 * i, &r, 16);
    }
    f.brand = brand;
    while (!f.brand.empty() && f.brand.back() == ' ') f.brand.pop_back();
  }
  return f;
}

Isa compute_active() {
  const Isa best = best_isa();
  const char* env = std::getenv("BERTQ_FORCE_ISA");
  if (env == nullptr || *env == '\0') return best;
  const Isa forced = parse_isa(env);
  check(static_cast<int>(forced) <= static_cast<int>(best), ErrorCode::INVALID_ARGUMENT,
        "BERTQ_FORCE_ISA=", env, ": this CPU supports at most ", isa_name(best));
  return forced;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

Isa best_isa() {
  const CpuFeatures& f = cpu_features();
  const bool avx512 = f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl;
  if (avx512 && f.avx512_vnni) return Isa::AVX512_VNNI;
  if (avx512) return Isa::AVX512;
  if (f.avx2 && f.fma) return Isa::AVX2;
  return Isa::GENERIC;
}

Isa active_isa() {
  static const Isa isa = compute_active();
  return isa;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (int i = 0; i <= static_cast<int>(best_isa()); ++i) out.push_back(static_cast<Isa>(i));
  return out;
}

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::GENERIC:
      return "generic";
    case Isa::AVX2:
      return "avx2";
    case Isa::AVX512:
      return "avx512";
    case Isa::AVX512_VNNI:
      return "avx512_vnni";
  }
  return "?";
}

Isa parse_isa(std::string_view name) {
  for (Isa i : {Isa::GENERIC, Isa::AVX2, Isa::AVX512, Isa::AVX512_VNNI}) {
    if (name == isa_name(i)) return i;
  }
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("unknown ISA '", name, "' (expected generic, avx2, avx512 or avx512_vnni)"));
}

}  // namespace bertq
