// bertq::Classifier: the public inference API. Loads a model folder (config.json,
// model.safetensors, tokenizer files) once into an immutable object that any number of threads
// may share; each call runs with its own workspace.
//
//   bertq::Classifier clf("models/imdb");                      // FP32, default threads
//   auto preds = clf.predict({"A great movie!", "Dull."});
//   preds[0].label == "POSITIVE"; preds[0].score == preds[0].probs[preds[0].label_id];
//
//   bertq::engine::EngineOptions o;  o.compute = bertq::engine::Compute::BF16;  o.threads = 4;
//   bertq::Classifier fast("models/imdb", o);
//   auto logits = fast.logits({{101, 2307, 3185, 102}});      // token ids in, logits out
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_options.h"
#include "io/bert_config.h"
#include "text/tokenizer.h"

namespace bertq {

namespace engine {
class Model;
}

struct Prediction {
  int label_id = 0;
  std::string label;
  float score = 0;  // probs[label_id]
  std::vector<float> logits, probs;
};

struct PredictOptions {
  int max_length = 512;  // tokens including [CLS] and [SEP]
  text::Truncation truncation = text::Truncation::HEAD;
  int batch_size = 8;  // sequences per forward pass (after sorting by length)
};

class Classifier {  // thread-safe, immutable after construction
 public:
  explicit Classifier(const std::string& model_dir, engine::EngineOptions options = {});
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Tokenizes, sorts by length into batches of batch_size (length buckets), runs them and
  // returns one prediction per text in input order. Needs the folder's tokenizer.
  std::vector<Prediction> predict(const std::vector<std::string>& texts,
                                  const PredictOptions& options = {}) const;

  // Low level: sequences of token ids (unpadded, each its own length, [CLS] ... [SEP]) in one
  // forward pass; logits [B][NL] out. type_ids empty = all zeros.
  std::vector<std::vector<float>> logits(
      const std::vector<std::vector<int32_t>>& ids,
      const std::vector<std::vector<int32_t>>& type_ids = {}) const;

  const io::BertConfig& config() const;
  // NOT_FOUND when the model folder has no tokenizer files.
  const text::Tokenizer& tokenizer() const;
  const engine::Model& model() const { return *model_; }

  // probs = softmax(logits), label = argmax (first on ties).
  static Prediction make_prediction(const std::vector<float>& logits,
                                    const std::vector<std::string>& id2label);

 private:
  std::shared_ptr<const engine::Model> model_;
  std::optional<text::Tokenizer> tokenizer_;
};

}  // namespace bertq
