// The model behind the server. Server, batcher, limits and metrics talk only to this interface,
// so they are testable with a fake model; make_classifier_backend() plugs in
// bertq::engine::Classifier (the same library API as `bertq predict`).
//
//   bertq::engine::EngineOptions eo;  eo.threads = 4;
//   auto backend = bertq::server::make_classifier_backend("models/imdb", eo);
//   backend->warm_up(512);
//   auto r = backend->classify({{"A great movie!", text::TokenizationRecipe{}}});
//   r[0].label == "POSITIVE"; r[0].score == r[0].probs[r[0].label_id];
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine_options.h"
#include "text/tokenization_recipe.h"

namespace bertq::server {

// One text to classify with its own options (items of one merged batch may differ).
struct ClassifyItem {
  std::string text;
  text::TokenizationRecipe recipe;  // the server's (Limits::defaults) with the request's options
};

struct ClassifyResult {
  int label_id = 0;
  std::string label;
  float score = 0;            // probs[label_id]
  std::vector<float> probs;   // softmax over the labels
  size_t tokens = 0;          // tokens the model saw (after truncation, with special tokens)
  std::vector<float> logits;  // the raw outputs (probs = softmax(logits))
};

class Backend {  // thread-safe
 public:
  virtual ~Backend() = default;
  // One merged batch in, one result per item in the same order out. Throws bertq::Error:
  // INVALID_ARGUMENT for a bad item (invalid UTF-8, bad option), anything else is internal.
  virtual std::vector<ClassifyResult> classify(const std::vector<ClassifyItem>& batch) = 0;
  virtual std::vector<std::string> labels() const = 0;
  // Runs a few dummy texts through the model so the first request is not slow, at up to
  // `max_length` tokens (the longest a request may ask for: the server's limits.max_length,
  // already within the model's max_position_embeddings).
  virtual void warm_up(int max_length) = 0;
};

// Loads a model folder into a bertq::engine::Classifier (threads 0 = default). Each item runs
// with its own recipe (`bertq serve` resolves the defaults once with the one tokenization rule,
// engine/tokenization_rule.h, into Limits::defaults). Throws what the engine::Classifier
// throws (NOT_FOUND / CORRUPT_FILE naming the file).
std::unique_ptr<Backend> make_classifier_backend(const std::string& model_dir,
                                                 const engine::EngineOptions& options);

}  // namespace bertq::server
