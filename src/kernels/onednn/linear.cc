// oneDNN matmul with prepacked weights and runtime M (see linear.h), and the sgemm wrapper.
// Layouts: src [M, K] "ab", weights as oneDNN's [K, N] logical tensor — our [N, K] row-major
// buffer is its "ba" format — reordered into the primitive's preferred format; bias [1, N];
// dst [M, N] "ab".
#include "kernels/onednn/linear.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "kernels/onednn/runtime.h"

namespace bertq::kernels {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

using onednn::cpu_engine;
using onednn::thread_stream;

}  // namespace

struct PackedLinear::Impl {
  int64_t n = 0, k = 0;
  GemmType type = GemmType::F32;
  F32Layout layout = F32Layout::ANY;
  bool fuse_bias = false;
  std::vector<float> bias;
  dnnl::matmul prim;
  dnnl::memory weights;  // prepacked
  dnnl::memory bias_mem;
  dnnl::memory::desc src_md, dst_md;
};

PackedLinear::PackedLinear(const float* w, const float* bias, int64_t n, int64_t k, GemmType type,
                           bool fuse_bias, bool borrow_weights, F32Layout layout)
    : impl_(std::make_unique<Impl>()) {
  check(n > 0 && k > 0, ErrorCode::INVALID_ARGUMENT, "PackedLinear: bad shape [", n, ", ", k, "]");
  Impl& I = *impl_;
  I.n = n;
  I.k = k;
  I.type = type;
  I.fuse_bias = fuse_bias && bias != nullptr;
  if (bias) I.bias.assign(bias, bias + n);
  if (type == GemmType::F32 && layout == F32Layout::AUTO)
    layout = f32_layout_for(n, k, fuse_bias && bias != nullptr);
  I.layout = type == GemmType::BF16 ? F32Layout::ANY : layout;
  const dt wdt = type == GemmType::BF16 ? dt::bf16 : dt::f32;
  try {
    I.src_md = dnnl::memory::desc({DNNL_RUNTIME_DIM_VAL, k}, wdt, tag::ab);
    I.dst_md = dnnl::memory::desc({DNNL_RUNTIME_DIM_VAL, n}, dt::f32, tag::ab);
    // F32Layout::NK is our [N, K] buffer ("ba" of the logical [K, N]); ANY lets oneDNN choose.
    const dnnl::memory::desc w_any({k, n}, wdt, I.layout == F32Layout::NK ? tag::ba : tag::any);
    const dnnl::memory::desc b_md({1, n}, dt::f32, tag::ab);
    const auto d = I.fuse_bias ? dnnl::matmul::desc(I.src_md, w_any, b_md, I.dst_md)
                               : dnnl::matmul::desc(I.src_md, w_any, I.dst_md);
    const dnnl::matmul::primitive_desc pd(d, cpu_engine());
    I.prim = dnnl::matmul(pd);
    // Reorder (and convert to bf16 if asked) the [N, K] f32 weights into the packed layout.
    const dnnl::memory user_w({{k, n}, dt::f32, tag::ba}, cpu_engine(), const_cast<float*>(w));
    if (borrow_weights && user_w.get_desc() == pd.weights_desc()) {
      I.weights = user_w;  // already in the primitive's layout: use the caller's memory
    } else {
      I.weights = dnnl::memory(pd.weights_desc(), cpu_engine());
      dnnl::stream& s = thread_stream();
      dnnl::reorder(user_w, I.weights).execute(s, const_cast<dnnl::memory&>(user_w), I.weights);
      s.wait();
    }
    if (I.fuse_bias) I.bias_mem = dnnl::memory(b_md, cpu_engine(), I.bias.data());
  } catch (const dnnl::error& e) {
    const bool unimpl = e.status == dnnl_unimplemented;
    throw Error(unimpl ? ErrorCode::UNSUPPORTED : ErrorCode::INTERNAL,
                cat("oneDNN matmul [", n, " x ", k, "] ", type == GemmType::BF16 ? "bf16" : "f32",
                    ": ", unimpl ? "not implemented on this CPU (" : "failed (", e.what(), ")"));
  }
}

PackedLinear::~PackedLinear() = default;
PackedLinear::PackedLinear(PackedLinear&&) noexcept = default;
PackedLinear& PackedLinear::operator=(PackedLinear&&) noexcept = default;

int64_t PackedLinear::n() const {
  return impl_->n;
}
int64_t PackedLinear::k() const {
  return impl_->k;
}
GemmType PackedLinear::type() const {
  return impl_->type;
}
const float* PackedLinear::bias() const {
  return impl_->bias.empty() ? nullptr : impl_->bias.data();
}

bool PackedLinear::fuses_bias() const {
  return impl_->fuse_bias;
}

F32Layout PackedLinear::layout() const {
  return impl_->layout;
}

F32Layout f32_layout_for(int64_t n, int64_t k, bool fuse_bias) {
  static const F32Layout forced = [] {
    const char* env = std::getenv("BERTQ_F32_WEIGHT_LAYOUT");
    // Default nk: a timing-based choice can differ between two processes when the layouts are
    // close, and with it the last bits of FP32 results; "auto" measures (see linear.h).
    const std::string v = env && *env ? env : "nk";
    check(v == "auto" || v == "nk" || v == "any", ErrorCode::INVALID_ARGUMENT,
          "BERTQ_F32_WEIGHT_LAYOUT=", v, ": expected auto, nk or any");
    return v == "nk" ? F32Layout::NK : v == "any" ? F32Layout::ANY : F32Layout::AUTO;
  }();
  if (forced != F32Layout::AUTO) return forced;
  static std::mutex mu;
  static std::map<std::tuple<int64_t, int64_t, bool>, F32Layout> chosen;
  std::lock_guard<std::mutex> lock(mu);
  const auto key = std::make_tuple(n, k, fuse_bias);
  if (auto it = chosen.find(key); it != chosen.end()) return it->second;
  // Both layouts on the same weights and input; the faster best-of-3 wins (NK on a tie).
  const int64_t m = 32;
  std::vector<float> w(size_t(n * k)), b(size_t(n), 0.f), x(size_t(m * k)), y(size_t(m * n));
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i * 7919 % 201) - 100) * 1e-3f;
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i * 104729 % 201) - 100) * 1e-2f;
  // Interleaved, best of 5 each; ANY must win by 30%: a close call keeps NK, so noise on a busy
  // machine cannot flip the choice (and the last bits of FP32 results) from run to run.
  const PackedLinear nk(w.data(), fuse_bias ? b.data() : nullptr, n, k, GemmType::F32, fuse_bias,
                        true, F32Layout::NK);
  const PackedLinear any(w.data(), fuse_bias ? b.data() : nullptr, n, k, GemmType::F32, fuse_bias,
                         true, F32Layout::ANY);
  double best[2] = {1e300, 1e300};
  for (int r = 0; r < 6; ++r)
    for (int l = 0; l < 2; ++l) {
      const auto t0 = std::chrono::steady_clock::now();
      (l == 0 ? nk : any).forward(x.data(), m, y.data());
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0) best[l] = std::min(best[l], t);  // round 0 warms up
    }
  const F32Layout pick = best[1] * 1.3 < best[0] ? F32Layout::ANY : F32Layout::NK;
  log_debug(cat("f32 weights [", n, " x ", k, "]: nk ", best[0] * 1e3, " ms, any ", best[1] * 1e3,
                " ms (M ", m, ") -> ", pick == F32Layout::NK ? "nk" : "any"));
  chosen.emplace(key, pick);
  return pick;
}

void PackedLinear::forward(const void* x, int64_t m, float* y) const {
  if (m == 0) return;
  const Impl& I = *impl_;
  const dt sdt = I.type == GemmType::BF16 ? dt::bf16 : dt::f32;
  try {
    const dnnl::engine& e = cpu_engine();
    dnnl::memory src({{m, I.k}, sdt, tag::ab}, e, const_cast<void*>(x));
    dnnl::memory dst({{m, I.n}, dt::f32, tag::ab}, e, y);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, I.weights}, {DNNL_ARG_DST, dst}};
    if (I.fuse_bias) args.emplace(DNNL_ARG_BIAS, I.bias_mem);
    dnnl::stream& s = thread_stream();
    I.prim.execute(s, args);
    s.wait();
  } catch (const dnnl::error& err) {
    throw Error(ErrorCode::INTERNAL, cat("oneDNN matmul [", m, " x ", I.k, "] x [", I.k, " x ", I.n,
                                         "] failed: ", err.what()));
  }
}

void gemm_f32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
              const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
              int64_t ldc) {
  const dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a,
                                      lda, b, ldb, beta, c, ldc);
  check(st == dnnl_success, ErrorCode::INTERNAL, "oneDNN sgemm [", m, " x ", k, "] x [", k, " x ",
        n, "] failed with status ", int(st));
}

bool bf16_gemm_supported() {
  static const bool ok = [] {
    try {
      const float w[4] = {1, 2, 3, 4};
      PackedLinear probe(w, nullptr, 2, 2, GemmType::BF16, false);
      return true;
    } catch (const Error&) {
      return false;
    }
  }();
  return ok;
}

}  // namespace bertq::kernels
