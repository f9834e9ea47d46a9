// engine::Classifier: the inference API every front end runs (the CLI, server, Python, the
// public C++ library of include/bertq/bertq.h). Loads a model folder (config.json,
// model.safetensors, tokenizer files) once into an immutable object that any number of threads
// may share; each call runs with its own workspace.
// The one batched path from texts to logits: encode with a tokenization recipe
// (text/tokenization_recipe.h, validated against the model), then run_sorted: sequences
// stable-sorted by length (length buckets: similar lengths per batch, balanced attention
// work), run in batches of batch_size, each result handed back with its input index. predict,
// eval, the server, the quantizer's fidelity report and bench all run through it.
//
// predict applies the model's tokenization recipe (config.json's "bertq" block: a model trained
// head+tail at 256 tokens runs head+tail at 256) under what the caller sets
// (engine/tokenization_rule.h); text_logits / encode take an explicit recipe.
//
//   bertq::engine::Classifier clf("models/imdb");           // FP32, default threads
//   auto preds = clf.predict({"A great movie!", "Dull."});  // the model's recipe
//   preds[0].label == "POSITIVE"; preds[0].score == preds[0].probs[preds[0].label_id];
//   bertq::engine::PredictOptions po;
//   po.tokenization.max_length = 128;              // the rest from the model's recipe
//   clf.tokenization(po.tokenization).describe();  // "max length 128 (option), truncation ..."
//   text::TokenizationRecipe r;  r.max_length = 128;  r.truncation = text::Truncation::HEAD_TAIL;
//   auto rows = clf.text_logits(texts, r, /*batch_size=*/8);  // [N][NL], input order
//
//   bertq::engine::EngineOptions o;  o.compute = bertq::engine::Compute::BF16;  o.threads = 4;
//   bertq::engine::Classifier fast("models/imdb", o);
//   auto logits = fast.logits({{101, 2307, 3185, 102}});      // token ids in, logits out
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_options.h"
#include "engine/tokenization_rule.h"
#include "io/bert_config.h"
#include "text/tokenization_recipe.h"
#include "text/tokenizer.h"

namespace bertq::engine {

class Model;

struct Prediction {
  int label_id = 0;
  std::string label;
  float score = 0;  // probs[label_id]
  std::vector<float> logits, probs;
};

// How to tokenize and batch: `tokenization` holds only what the caller sets (nullopt: the
// model's recipe, else the default), resolved by Classifier::tokenization.
struct PredictOptions {
  TokenizationRequest tokenization;
  int batch_size = 8;  // sequences per forward pass (after sorting by length)
};

// One sequence for run_sorted, not owned: token ids [CLS] ... [SEP] and their type ids (null or
// empty = all zeros).
struct SequenceView {
  const std::vector<int32_t>* ids = nullptr;
  const std::vector<int32_t>* type_ids = nullptr;
};
// Index of the largest value; ties go to the lowest index (as torch.argmax). -1 when empty.
int argmax(const std::vector<float>& v);

// Views of encodings (each its ids and type ids), same order.
std::vector<SequenceView> sequence_views(const std::vector<text::Encoding>& encodings);
// Receives the logits [NL] of sequence `index` (its position in the input).
using LogitsSink = std::function<void(size_t index, std::vector<float>& logits)>;

class Classifier {  // thread-safe, immutable after construction
 public:
  explicit Classifier(const std::string& model_dir, EngineOptions options = {});
  // A model already in memory (e.g. quant::load_in_memory's), with its tokenizer if any.
  explicit Classifier(std::shared_ptr<const Model> model,
                      std::optional<text::Tokenizer> tokenizer = std::nullopt);
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // The recipe this model runs with when the caller sets `given` (the rule of
  // engine/tokenization_rule.h over config()); INVALID_ARGUMENT for a given value out of range.
  TokenizationSettings tokenization(const TokenizationRequest& given = {}) const;
  // text_logits under tokenization(options.tokenization), then make_prediction per text; input
  // order. Needs the folder's tokenizer.
  std::vector<Prediction> predict(const std::vector<std::string>& texts,
                                  const PredictOptions& options = {}) const;

  // Texts -> logits [N][NL] in input order: encode, then run_sorted.
  std::vector<std::vector<float>> text_logits(const std::vector<std::string>& texts,
                                              const text::TokenizationRecipe& recipe,
                                              int batch_size) const;
  // One encoding per text (input order) under `recipe`, which is first validated against the
  // model (INVALID_ARGUMENT naming the field and the limit); on the model's threads.
  std::vector<text::Encoding> encode(const std::vector<std::string>& texts,
                                     const text::TokenizationRecipe& recipe) const;
  // Sequences stable-sorted by length, run in batches of batch_size; sink(i, logits of seqs[i])
  // for each sequence of a batch once the batch has run, batch by batch in that sorted order
  // (a sink may throw, e.g. on an interrupt, to stop between batches).
  void run_sorted(const std::vector<SequenceView>& seqs, int batch_size,
                  const LogitsSink& sink) const;
  // run_sorted's logits [N][NL] in input order.
  std::vector<std::vector<float>> sequence_logits(const std::vector<SequenceView>& seqs,
                                                  int batch_size) const;

  // Low level: sequences of token ids (unpadded, each its own length, [CLS] ... [SEP]) in one
  // forward pass; logits [B][NL] out. type_ids empty = all zeros.
  std::vector<std::vector<float>> logits(
      const std::vector<std::vector<int32_t>>& ids,
      const std::vector<std::vector<int32_t>>& type_ids = {}) const;

  const io::BertConfig& config() const;
  // NOT_FOUND when the model folder has no tokenizer files.
  const text::Tokenizer& tokenizer() const;
  const Model& model() const { return *model_; }

  // probs = softmax(logits), label = argmax (first on ties).
  static Prediction make_prediction(const std::vector<float>& logits,
                                    const std::vector<std::string>& id2label);

 private:
  std::shared_ptr<const Model> model_;
  std::optional<text::Tokenizer> tokenizer_;
};

}  // namespace bertq::engine
