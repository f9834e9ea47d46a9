// oneDNN matmul with prepacked weights and runtime M (see linear.h), and the sgemm wrapper.
// Layouts: src [M, K] "ab", weights as oneDNN's [K, N] logical tensor — our [N, K] row-major
// buffer is its "ba" format — reordered into the primitive's preferred format; bias [1, N];
// dst [M, N] "ab".
#include "kernels/onednn/linear.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <unordered_map>
#include <vector>

#include "core/error.h"
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
  bool fuse_bias = false;
  std::vector<float> bias;
  dnnl::matmul prim;
  dnnl::memory weights;  // prepacked
  dnnl::memory bias_mem;
  dnnl::memory::desc src_md, dst_md;
};

PackedLinear::PackedLinear(const float* w, const float* bias, int64_t n, int64_t k, GemmType type,
                           bool fuse_bias, bool borrow_weights)
    : impl_(std::make_unique<Impl>()) {
  check(n > 0 && k > 0, ErrorCode::INVALID_ARGUMENT, "PackedLinear: bad shape [", n, ", ", k, "]");
  Impl& I = *impl_;
  I.n = n;
  I.k = k;
  I.type = type;
  I.fuse_bias = fuse_bias && bias != nullptr;
  if (bias) I.bias.assign(bias, bias + n);
  const dt wdt = type == GemmType::BF16 ? dt::bf16 : dt::f32;
  try {
    I.src_md = dnnl::memory::desc({DNNL_RUNTIME_DIM_VAL, k}, wdt, tag::ab);
    I.dst_md = dnnl::memory::desc({DNNL_RUNTIME_DIM_VAL, n}, dt::f32, tag::ab);
    // F32: keep the weights in our [N, K] layout ("ba"): oneDNN 2.6's AVX2 gemm-based matmul
    // ran the FFN-in shape (M 128, N 3072, K 768) 2x faster that way than in the "ab" layout
    // `any` picks, and no slower on the other BERT shapes (measured single-threaded). BF16:
    // let oneDNN choose (its AVX-512 kernels prefer blocked layouts).
    const dnnl::memory::desc w_any({k, n}, wdt, type == GemmType::BF16 ? tag::any : tag::ba);
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
