// Fidelity of a quantized model against its FP32 original on an evaluation set: prediction
// agreement (%), logit relative error |l8 - l32|_2 / |l32|_2 per example (mean / max), accuracy
// of both; per-layer sensitivity (only encoder layer l quantized); and the accuracy-aware
// fallback (keep the most sensitive layers in FP32 until the accuracy drop is within target).
//
// The evaluation and calibration sets are tokenized with the model's recipe (quantize_job.h:
// its config.json "bertq" block, e.g. head+tail), and run through engine::Classifier::run_sorted.
//
//   auto set = bertq::quant::make_eval_set("imdb:test", 2000, /*seed=*/0, tok, cfg, recipe);
//   auto f32 = bertq::quant::run_logits(fp32_model, set);
//   bertq::quant::Fidelity f = bertq::quant::compare(f32, run_logits(int8_model, set), set.labels);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/model.h"
#include "quant/quantizer.h"
#include "text/tokenization_recipe.h"
#include "text/tokenizer.h"

namespace bertq::quant {

struct EvalSet {
  std::vector<std::vector<int32_t>> ids;  // [CLS] ... [SEP], truncated by the recipe
  std::vector<int> labels;                // model label ids (-1 unlabelled)
};

// A stratified sample of n examples (all if 0) of a dataset spec, labels mapped to the model's
// id2label, tokenized with `recipe` (validated against config's max_position_embeddings).
EvalSet make_eval_set(const std::string& spec, size_t n, uint64_t seed, const text::Tokenizer& tok,
                      const io::BertConfig& config, const text::TokenizationRecipe& recipe);

// Logits [N][NL] of every sequence, in order (engine::Classifier::run_sorted: length-sorted
// batches).
std::vector<std::vector<float>> run_logits(std::shared_ptr<const engine::Model> m,
                                           const EvalSet& set, int batch_size = 8);

struct Fidelity {
  size_t n = 0;
  double agreement = 0;  // % of examples with the same argmax
  double rel_err_mean = 0, rel_err_max = 0;
  double accuracy_fp32 = 0, accuracy_int8 = 0;  // % (labelled examples)
  std::string to_string() const;
};
Fidelity compare(const std::vector<std::vector<float>>& fp32,
                 const std::vector<std::vector<float>>& int8, const std::vector<int>& labels);

struct LayerSensitivity {
  int layer;
  Fidelity fidelity;  // only this encoder layer's Linears in INT8
};
// One quantized model per encoder layer (everything else FP32, embeddings FP32).
std::vector<LayerSensitivity> layer_sensitivity(const io::ModelFolder& fp32,
                                                const QuantizeOptions& o, const Ranges* ranges,
                                                const EvalSet& set,
                                                const std::vector<std::vector<float>>& fp32_logits);

// The glob that keeps encoder layer l in FP32.
std::string layer_glob(int layer);

}  // namespace bertq::quant
