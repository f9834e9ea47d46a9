// The accuracy-aware targets of `bertq quantize` (--max-drop, --min-agreement) and the order in
// which the fallback keeps encoder layers in FP32 until they are met (quantize_job.cc).
//
//   quant::AccuracyTarget t;  t.min_agreement = 99.5;
//   t.rank(layers);           // most harmful layer first
//   if (t.met(fidelity)) ...
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "quant/fidelity.h"

namespace bertq::quant {

struct AccuracyTarget {
  double max_drop = -1;       // accuracy drop in points (FP32 - INT8), when >= 0
  double min_agreement = -1;  // % of predictions equal to FP32's, when >= 0

  bool any() const { return max_drop >= 0 || min_agreement >= 0; }
  // Every target that is set holds for f.
  bool met(const Fidelity& f) const;
  // Sorts layers most harmful first by what quantizing each alone did: lost agreement when an
  // agreement target is set (agreement is the finer measure: a flip that happens to be right
  // still counts), else accuracy drop; ties by mean logit error.
  void rank(std::vector<LayerSensitivity>& layers) const;
  // {"max_drop": ..., "min_agreement_pct": ...}, the set targets only.
  nlohmann::json to_json() const;
};

}  // namespace bertq::quant
