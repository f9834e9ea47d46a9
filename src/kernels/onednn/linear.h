// Thin oneDNN wrapper for the Linear layers: y[M, N] = x[M, K] · W[N, K]^T (+ bias[N]),
// weights stored [out, in] like PyTorch and copied once, at construction, into oneDNN memory
// (BF16: reordered into the layout oneDNN prefers; F32: see F32Layout). M (the packed token count)
// varies per call: the primitive is built once with a runtime M (DNNL_RUNTIME_DIM_VAL), so no
// per-shape primitive creation happens at inference time. Immutable after construction and safe to
// call from many threads at once (each thread executes on its own oneDNN stream).
//
// GemmType::BF16 stores the weights as bf16 and takes bf16 activations (x as uint16_t bf16
// bits, see KernelTable::convert_f32_bf16); accumulation and y stay f32. It needs a CPU where
// oneDNN implements bf16 matmul (AVX512_BF16 / AVX-512 emulation); elsewhere construction
// throws Error(UNSUPPORTED).
//
//   PackedLinear fc(w, bias, /*n=*/768, /*k=*/768, GemmType::F32, /*fuse_bias=*/true);
//   fc.forward(x, m, y);   // x [m, 768] f32, y [m, 768] f32
#pragma once

#include <cstdint>
#include <memory>

namespace bertq::kernels {

enum class GemmType { F32, BF16 };

// F32 weights: NK keeps our [N, K] buffer as it is (borrowable, no copy; what oneDNN's AVX2 gemm
// runs fastest: 2x on the FFN-in shape); ANY reorders into the layout oneDNN prefers (its
// AVX-512 kernels: FP32 b1 s128 98 -> 61 ms in ../shared/profiles). AUTO resolves to
// BERTQ_F32_WEIGHT_LAYOUT: nk (the default: the same answer in every process), any, or auto,
// which times both once per shape (M 32, interleaved, best of 5 each) at the first construction
// and keeps ANY for the process when it is 1.3x faster: a measurement, not an ISA rule, opt-in
// because two processes can decide a close call differently (FP32 results then differ in the
// last bits between runs).
enum class F32Layout { AUTO, NK, ANY };
// The layout AUTO resolves to for weights [n, k] (measured once per shape and bias fusion).
F32Layout f32_layout_for(int64_t n, int64_t k, bool fuse_bias);

class PackedLinear {
 public:
  // w: [n, k] row-major f32; bias: [n] or null. With fuse_bias false the bias is kept (see
  // bias()) but not added by forward(): the caller fuses it into a later kernel.
  // With borrow_weights (F32 only), w is used in place, not copied: it must outlive this
  // object (the engine borrows from the model's weight store, saving a copy of every matrix).
  PackedLinear(const float* w, const float* bias, int64_t n, int64_t k, GemmType type,
               bool fuse_bias, bool borrow_weights = false, F32Layout layout = F32Layout::AUTO);
  ~PackedLinear();
  PackedLinear(PackedLinear&&) noexcept;
  PackedLinear& operator=(PackedLinear&&) noexcept;

  // x: [m, k] (f32, or bf16 bits for GemmType::BF16), y: [m, n] f32. m may be 0.
  void forward(const void* x, int64_t m, float* y) const;

  int64_t n() const;
  int64_t k() const;
  GemmType type() const;
  const float* bias() const;  // null when constructed without bias
  F32Layout layout() const;   // F32: NK or ANY (as resolved); BF16: ANY
  bool fuses_bias() const;    // forward() adds bias()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Row-major single-precision GEMM through oneDNN's sgemm (no primitive creation):
// C[M, N] = alpha · op(A) · op(B) + beta · C, op(X) = X or X^T per trans_a / trans_b; lda, ldb,
// ldc are row strides. Used for the attention products of one head. Runs on the calling
// thread's OpenMP team (single-threaded inside a parallel region).
void gemm_f32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
              const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
              int64_t ldc);

// Whether this CPU + oneDNN build can run GemmType::BF16 (tried once).
bool bf16_gemm_supported();

}  // namespace bertq::kernels
