// oneDNN int8 matmul with prepacked weights and runtime M (see int8_linear.h). Layouts: src u8
// [M, K] "ab"; weights the logical [K, N] s8 tensor (our [N, K] buffer is its "ba" format),
// reordered into the primitive's preferred format (format_tag::any); dst s32 [M, N] "ab".
#include "kernels/onednn/int8_linear.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "kernels/int8_scheme.h"
#include "kernels/onednn/runtime.h"

namespace bertq::kernels {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

using onednn::cpu_engine;
using onednn::thread_stream;

}  // namespace

struct Int8Linear::Impl {
  int64_t n = 0, k = 0;
  std::vector<float> scale, bias;
  std::vector<int32_t> colsum;
  dnnl::matmul prim;
  dnnl::memory weights;
};

Int8Linear::Int8Linear(const int8_t* wq, const float* w_scale, const float* bias, int64_t n,
                       int64_t k)
    : impl_(std::make_unique<Impl>()) {
  check(n > 0 && k > 0, ErrorCode::INVALID_ARGUMENT, "Int8Linear: bad shape [", n, ", ", k, "]");
  Impl& I = *impl_;
  I.n = n;
  I.k = k;
  I.scale.assign(w_scale, w_scale + n);
  if (bias) I.bias.assign(bias, bias + n);
  I.colsum.assign(size_t(n), 0);
  for (int64_t j = 0; j < n; ++j) {
    int32_t s = 0;
    for (int64_t l = 0; l < k; ++l) s += wq[j * k + l];
    I.colsum[size_t(j)] = s;
  }
  try {
    const dnnl::memory::desc src_md({DNNL_RUNTIME_DIM_VAL, k}, dt::u8, tag::ab);
    const dnnl::memory::desc dst_md({DNNL_RUNTIME_DIM_VAL, n}, dt::s32, tag::ab);
    const dnnl::memory::desc w_any({k, n}, dt::s8, tag::any);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_md, w_any, dst_md), cpu_engine());
    I.prim = dnnl::matmul(pd);
    const dnnl::memory user_w({{k, n}, dt::s8, tag::ba}, cpu_engine(), const_cast<int8_t*>(wq));
    I.weights = dnnl::memory(pd.weights_desc(), cpu_engine());
    dnnl::stream& s = thread_stream();
    dnnl::reorder(user_w, I.weights).execute(s, const_cast<dnnl::memory&>(user_w), I.weights);
    s.wait();
  } catch (const dnnl::error& e) {
    throw Error(ErrorCode::INTERNAL,
                cat("oneDNN int8 matmul [", n, " x ", k, "] u8s8s32: ", e.what()));
  }
}

Int8Linear::~Int8Linear() = default;
Int8Linear::Int8Linear(Int8Linear&&) noexcept = default;
Int8Linear& Int8Linear::operator=(Int8Linear&&) noexcept = default;

int64_t Int8Linear::n() const {
  return impl_->n;
}
int64_t Int8Linear::k() const {
  return impl_->k;
}
const float* Int8Linear::col_scale() const {
  return impl_->scale.data();
}
const int32_t* Int8Linear::col_sum() const {
  return impl_->colsum.data();
}
const float* Int8Linear::bias() const {
  return impl_->bias.empty() ? nullptr : impl_->bias.data();
}

void Int8Linear::forward(const uint8_t* xq, int64_t m, int32_t* acc, int qmax) const {
  if (m == 0) return;
  if (qmax <= kActQMaxReduced || single_gemm_full_range()) return gemm(xq, m, acc);
  // Full range where one GEMM would saturate: xq = lo + 128 hi with lo in [0, 127], hi in
  // {0, 1}; both GEMMs are exact (u7 pairs fit s16), and so is acc = acc_lo + 128 acc_hi.
  const size_t mk = size_t(m * impl_->k), mn = size_t(m * impl_->n);
  thread_local std::vector<uint8_t> lo, hi;
  thread_local std::vector<int32_t> acc_hi;
  if (lo.size() < mk) lo.resize(mk), hi.resize(mk);
  if (acc_hi.size() < mn) acc_hi.resize(mn);
  for (size_t i = 0; i < mk; ++i) {
    lo[i] = uint8_t(xq[i] & 127);
    hi[i] = uint8_t(xq[i] >> 7);
  }
  gemm(lo.data(), m, acc);
  gemm(hi.data(), m, acc_hi.data());
  for (size_t i = 0; i < mn; ++i) acc[i] += acc_hi[i] * 128;
}

void Int8Linear::gemm(const uint8_t* xq, int64_t m, int32_t* acc) const {
  const Impl& I = *impl_;
  try {
    const dnnl::engine& e = cpu_engine();
    dnnl::memory src({{m, I.k}, dt::u8, tag::ab}, e, const_cast<uint8_t*>(xq));
    dnnl::memory dst({{m, I.n}, dt::s32, tag::ab}, e, acc);
    dnnl::stream& s = thread_stream();
    I.prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, I.weights}, {DNNL_ARG_DST, dst}});
    s.wait();
  } catch (const dnnl::error& err) {
    throw Error(ErrorCode::INTERNAL, cat("oneDNN int8 matmul [", m, " x ", I.k, "] x [", I.k, " x ",
                                         I.n, "] failed: ", err.what()));
  }
}

bool Int8Linear::full_range_exact() {
  static const bool exact = [] {
    // K = 64 pairs of 255 x 127: 2 * 255 * 127 overflows a saturating s16 pair sum.
    const int64_t n = 8, k = 64;
    std::vector<int8_t> w(size_t(n * k), int8_t(kWeightQMax));
    std::vector<float> s(size_t(n), 1.f);
    const Int8Linear fc(w.data(), s.data(), nullptr, n, k);
    std::vector<uint8_t> x(size_t(2 * k), uint8_t(kActQMaxFull));
    std::vector<int32_t> acc(size_t(2 * n), 0);
    fc.gemm(x.data(), 2, acc.data());
    for (int32_t v : acc)
      if (v != int32_t(k) * kActQMaxFull * kWeightQMax) return false;
    return true;
  }();
  return exact;
}

bool Int8Linear::single_gemm_full_range() {
  static const bool single = [] {
    const char* env = std::getenv("BERTQ_INT8_FORCE_SPLIT");
    const bool force = env != nullptr && std::string(env) == "1";
    const bool v = full_range_exact() && !force;
    log_debug(cat("int8: activations in [0, 255] run as ",
                  v       ? "one GEMM (exact full-range u8 x s8)"
                  : force ? "two u7 GEMMs (BERTQ_INT8_FORCE_SPLIT=1)"
                          : "two u7 GEMMs (one would saturate: no VNNI)"));
    return v;
  }();
  return single;
}

int Int8Linear::legacy_activation_qmax() {
  return full_range_exact() ? kActQMaxFull : kActQMaxReduced;
}

}  // namespace bertq::kernels
