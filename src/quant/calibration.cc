// Static-scheme calibration (see quantizer.h): the FP32 engine runs the calibration batches with
// an observer on every encoder Linear input. Each input keeps its running min / max and an
// evenly strided sample of its values (at most kSampleCap per Linear), then one observer turns
// that into [lo, hi] (lo <= 0 <= hi):
// - minmax: the running min / max;
// - percentile p: lo = the (100 - p)% quantile, hi = the p% quantile of the sample;
// - mse: the clipping of the min-max range (fractions 1, 0.95, ..., 0.30) whose u8 round trip
//   (activation_qmax levels) has the smallest mean squared error on the sample.
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "engine/bert_encoder.h"
#include "io/bert_tensors.h"
#include "kernels/onednn/int8_linear.h"
#include "kernels/ref/int8_ref.h"
#include "quant/quantizer.h"

namespace bertq::quant {
namespace {

constexpr size_t kSampleCap = 1 << 20;
constexpr size_t kSampleStride = 7;  // keep every 7th value (co-prime with 768 / 3072)

struct Stats {
  float lo = 0, hi = 0;
  std::vector<float> sample;
  size_t seen = 0;
};

double roundtrip_mse(const std::vector<float>& s, float lo, float hi, int qmax) {
  float scale, inv;
  int32_t zero;
  kernels::activation_params_ref(lo, hi, qmax, &scale, &inv, &zero);
  double e = 0;
  for (float x : s) {
    uint8_t q;
    kernels::quantize_rows_u8_fixed_ref(&x, 1, 1, inv, zero, qmax, &q);
    const double d = double(scale) * (int(q) - zero) - x;
    e += d * d;
  }
  return s.empty() ? 0 : e / double(s.size());
}

std::pair<float, float> reduce(Stats& st, const QuantizeOptions& o) {
  if (o.observer == ObserverKind::MINMAX || st.sample.empty()) return {st.lo, st.hi};
  std::sort(st.sample.begin(), st.sample.end());
  if (o.observer == ObserverKind::PERCENTILE) {
    const double p = std::clamp(o.percentile, 50.0, 100.0) / 100.0;
    const size_t n = st.sample.size();
    const float lo = st.sample[size_t(std::floor((1 - p) * double(n - 1)))];
    const float hi = st.sample[size_t(std::ceil(p * double(n - 1)))];
    return {std::min(lo, 0.f), std::max(hi, 0.f)};
  }
  const int qmax = o.activation_qmax;
  double best = 1e300;
  std::pair<float, float> r{st.lo, st.hi};
  for (int i = 0; i <= 14; ++i) {
    const float f = 1.f - 0.05f * float(i);
    const double e = roundtrip_mse(st.sample, st.lo * f, st.hi * f, qmax);
    if (e < best) best = e, r = {st.lo * f, st.hi * f};
  }
  return r;
}

std::string weight_name(const char* which, int layer) {
  const std::string w = which;
  const io::BertTensor t = w == "qkv"        ? io::BertTensor::Q_WEIGHT
                           : w == "attn_out" ? io::BertTensor::ATTN_OUT_WEIGHT
                           : w == "ffn_in"   ? io::BertTensor::FFN_IN_WEIGHT
                                             : io::BertTensor::FFN_OUT_WEIGHT;
  return io::tensor_name(t, layer);
}

}  // namespace

Ranges calibrate(const engine::Model& fp32, const std::vector<std::vector<int32_t>>& ids,
                 const QuantizeOptions& o, int batch_size) {
  check(!ids.empty(), ErrorCode::INVALID_ARGUMENT, "calibration: no calibration sequences");
  std::map<std::string, Stats> stats;
  engine::ForwardOutputs out;
  out.observe_linear_inputs = [&](const char* which, int layer, const float* x, size_t rows,
                                  size_t cols) {
    Stats& st = stats[weight_name(which, layer)];
    const size_t n = rows * cols;
    for (size_t i = 0; i < n; ++i) {
      st.lo = std::min(st.lo, x[i]);
      st.hi = std::max(st.hi, x[i]);
    }
    for (size_t i = (kSampleStride - st.seen % kSampleStride) % kSampleStride; i < n;
         i += kSampleStride)
      if (st.sample.size() < kSampleCap) st.sample.push_back(x[i]);
    st.seen += n;
  };
  for (size_t b = 0; b < ids.size(); b += size_t(batch_size)) {
    const size_t e = std::min(ids.size(), b + size_t(batch_size));
    const std::vector<std::vector<int32_t>> chunk(ids.begin() + long(b), ids.begin() + long(e));
    engine::forward(fp32, engine::PackedBatch::pack(chunk), &out);
  }
  Ranges r;
  for (auto& [name, st] : stats) r[name] = reduce(st, o);
  // Q's range serves the fused QKV; K and V read the same input.
  return r;
}

}  // namespace bertq::quant
