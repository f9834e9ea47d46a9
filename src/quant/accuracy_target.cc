// AccuracyTarget (accuracy_target.h).
#include "quant/accuracy_target.h"

#include <algorithm>

namespace bertq::quant {
namespace {

double drop(const Fidelity& f) {
  return f.accuracy_fp32 - f.accuracy_int8;
}

}  // namespace

bool AccuracyTarget::met(const Fidelity& f) const {
  return (max_drop < 0 || drop(f) <= max_drop) &&
         (min_agreement < 0 || f.agreement >= min_agreement);
}

void AccuracyTarget::rank(std::vector<LayerSensitivity>& layers) const {
  const bool by_agreement = min_agreement >= 0;
  auto harm = [&](const Fidelity& f) { return by_agreement ? 100.0 - f.agreement : drop(f); };
  std::stable_sort(layers.begin(), layers.end(), [&](const auto& a, const auto& b) {
    const double ha = harm(a.fidelity), hb = harm(b.fidelity);
    return ha != hb ? ha > hb : a.fidelity.rel_err_mean > b.fidelity.rel_err_mean;
  });
}

nlohmann::json AccuracyTarget::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (max_drop >= 0) j["max_drop"] = max_drop;
  if (min_agreement >= 0) j["min_agreement_pct"] = min_agreement;
  return j;
}

}  // namespace bertq::quant
