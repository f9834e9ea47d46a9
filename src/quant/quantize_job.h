// The whole `bertq quantize` job: load FP32 -> (calibrate) -> quantize -> (fidelity on --eval,
// per-layer sensitivity, accuracy-aware FP32 fallback) -> write the folder + report.
// The report (printed and written as OUT/quantization_report.json) holds the options, sizes,
// the fidelity of the final model and the sensitivity table when computed.
//
//   bertq::quant::QuantizeJob job;  job.model = "models/imdb";  job.out = "models/imdb-int8";
//   job.eval = "imdb:test";  job.eval_samples = 2000;
//   auto report = bertq::quant::run_quantize_job(job, [](auto& line) { puts(line.c_str()); });
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "quant/quantizer.h"

namespace bertq::quant {

struct QuantizeJob {
  std::string model, out;
  QuantizeOptions options;
  std::string calibration;        // dataset spec (static scheme)
  size_t calibration_samples = 256;
  std::string eval;               // dataset spec for the fidelity report ("" = none)
  size_t eval_samples = 2000;
  uint64_t seed = 0;              // stratified sampling of calibration / eval sets
  int max_length = 256;           // tokens per calibration / eval sequence
  bool sensitivity = false;       // per-layer table (one model per encoder layer)
  double max_drop = -1;           // accuracy-aware mode when >= 0 (needs eval)
  bool force = false;
};

nlohmann::json run_quantize_job(const QuantizeJob& job,
                                const std::function<void(const std::string&)>& print);

}  // namespace bertq::quant
