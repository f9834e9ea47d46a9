// Runs a engine::Classifier over a labelled dataset and scores it (accuracy, per-class P/R/F1,
// macro-F1, confusion matrix, mean cross-entropy loss; see metrics.h), with the per-example
// predictions, token counts and the time spent tokenizing vs in the model.
//
// Long reviews, two ways:
//   TRUNCATE  one sequence per text, cut to max_length with `truncation` (head, tail,
//             head+tail)
//   WINDOW    the whole text as windows of max_length tokens (each with [CLS]/[SEP]) whose
//             starts are (max_length - 2 - stride) tokens apart (the tokenizer's overflow
//             windows); the text's logits are the mean of its windows' logits:
//             logits = (1 / W) * sum_w logits_w
// Sequences of all texts run through engine::Classifier::run_sorted (sorted by length, batches of
// batch_size), the path of engine::Classifier::predict.
//
//   bertq::engine::Classifier clf("models/imdb");
//   auto ds = bertq::data::load_dataset("imdb:test", {}, 2000, 0);
//   bertq::eval::EvalOptions o;  o.long_text = bertq::eval::LongText::WINDOW;  o.stride = 128;
//   bertq::eval::EvalResult r = bertq::eval::evaluate(clf, ds, o);
//   r.metrics.accuracy;  r.to_json();  bertq::eval::write_predictions_jsonl("pred.jsonl", r);
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "engine/classifier.h"
#include "engine/tokenization_rule.h"
#include "eval/metrics.h"

namespace bertq::eval {

enum class LongText { TRUNCATE, WINDOW };
// "truncate" / "window"; INVALID_ARGUMENT listing the choices otherwise.
LongText parse_long_text(std::string_view name);
std::string_view long_text_name(LongText m);

// The tokenization recipe (max_length, truncation, head_tokens; TRUNCATE mode; resolved by
// engine::resolve_tokenization / engine::Classifier::tokenization) plus how long texts and batches
// run.
struct EvalOptions {
  text::TokenizationRecipe recipe;
  LongText long_text = LongText::TRUNCATE;
  int stride = 128;  // WINDOW: tokens shared by consecutive windows
  int batch_size = 8;
  bool progress = true;  // a progress bar on stderr
};

struct ExamplePrediction {
  std::string id;
  int label = -1;             // true class id in the model's labels; -1 unlabelled
  int predicted = 0;          // argmax of logits (lowest index on ties)
  std::vector<float> logits;  // averaged over the windows in WINDOW mode
  int windows = 1;            // sequences the text was run as
  int tokens = 0;             // tokens run for this text (all windows, with special tokens)
};

struct EvalResult {
  std::vector<std::string> labels;  // the model's id2label
  Metrics metrics;
  std::vector<ExamplePrediction> predictions;  // input order
  EvalOptions options;
  int64_t sequences = 0, tokens = 0;   // run through the model (windows count once each)
  double tokenize_s = 0, model_s = 0;  // wall time tokenizing / in forward passes

  // Every figure: metrics (examples, accuracy, macro_f1, mean_loss, confusion, per_class),
  // counts, timings, options.
  nlohmann::json to_json() const;
  std::string to_markdown() const;
  std::vector<int> predicted_ids() const;
};

// Scores `clf` on `ds`. Each example's label_name is mapped through the model's id2label
// (data::LabelMap: "pos" / "1" find "POSITIVE"); a label the model lacks is an
// Error(INVALID_ARGUMENT) naming it and the example id. Unlabelled examples are predicted but
// not scored. Checks for an interrupt between batches.
EvalResult evaluate(const engine::Classifier& clf, const data::Dataset& ds,
                    const EvalOptions& options);

// One JSON object per example (input order), written atomically:
//   {"id", "label", "label_id", "predicted", "predicted_id", "correct", "probs", "logits",
//    "windows", "tokens"}
void write_predictions_jsonl(const std::string& path, const EvalResult& r);

}  // namespace bertq::eval
