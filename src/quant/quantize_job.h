// The whole `bertq quantize` job: load FP32 -> (calibrate) -> quantize -> (fidelity on --eval,
// per-layer sensitivity, accuracy-aware FP32 fallback on accuracy drop and/or agreement) -> write
// the folder + report. The report (printed and written as OUT/quantization_report.json) holds the
// options, sizes, the tokenization, the fidelity of the final model and the sensitivity table when
// computed. Calibration and the fidelity report tokenize with the model's training recipe
// (config.json "bertq" block, e.g. head+tail 128 + 382) when it has one, else 256 tokens, head
// truncation (cut to max_position_embeddings); an option the user gave (max_length, truncation,
// head_tokens) overrides the recipe's, and max_length must fit the model's positions
// (engine/tokenization_rule.h, the rule every command uses).
//
//   bertq::quant::QuantizeJob job;  job.model = "models/imdb";  job.out = "models/imdb-int8";
//   job.eval = "imdb:test";  job.eval_samples = 2000;
//   auto report = bertq::quant::run_quantize_job(job, [](auto& line) { puts(line.c_str()); });
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/tokenization_rule.h"
#include "quant/accuracy_target.h"
#include "quant/fidelity.h"
#include "quant/quantizer.h"

namespace bertq::quant {

// The quantizer's defaults under the rule: 256 tokens, head truncation.
inline const text::TokenizationRecipe kQuantizeTokenizationDefaults{256, text::Truncation::HEAD,
                                                                    128};

struct QuantizeJob {
  std::string model, out;
  QuantizeOptions options;
  std::string calibration;  // dataset spec (static scheme)
  size_t calibration_samples = 256;
  std::string eval;  // dataset spec for the fidelity report ("" = none)
  size_t eval_samples = 2000;
  uint64_t seed = 0;  // stratified sampling of calibration / eval sets
  // What the user gave (engine/tokenization_rule.h): the recipe of the calibration / eval
  // sequences (see above).
  engine::TokenizationRequest tokenization;
  bool sensitivity = false;  // per-layer table (one model per encoder layer)
  // Accuracy-aware mode (needs eval) when a target is set: the most sensitive encoder layers
  // are kept in FP32 until every set target is met.
  AccuracyTarget target;
  bool force = false;
  // Called with each tokenized set before it is used ("calibration", "eval"); for tests.
  std::function<void(const std::string& use, const EvalSet& set)> inspect_set;
};

// The recipe calibration and the fidelity report tokenize with (see above), with its sources.
engine::TokenizationSettings quantize_tokenization(const QuantizeJob& job,
                                                   const io::BertConfig& config);

nlohmann::json run_quantize_job(const QuantizeJob& job,
                                const std::function<void(const std::string&)>& print);

}  // namespace bertq::quant
