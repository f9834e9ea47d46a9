// The public Classifier (see classifier.h): model + tokenizer loading, length-bucketed
// batching and restoring the input order.
#include "engine/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "engine/bert_encoder.h"
#include "engine/model.h"
#include "io/model_folder.h"

namespace bertq {

Classifier::Classifier(const std::string& model_dir, engine::EngineOptions options) {
  const io::ModelFolder folder = io::ModelFolder::load(model_dir);
  model_ = engine::Model::from_folder(folder, options);
  if (folder.has_tokenizer()) tokenizer_ = text::Tokenizer::from_folder(model_dir);
}

Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

const io::BertConfig& Classifier::config() const {
  return model_->config();
}

const text::Tokenizer& Classifier::tokenizer() const {
  check(tokenizer_.has_value(), ErrorCode::NOT_FOUND,
        model_->dir(),
            ": no tokenizer files (vocab.txt or tokenizer.json); copy them from "
            "the base model folder");
  return *tokenizer_;
}

std::vector<std::vector<float>> Classifier::logits(
    const std::vector<std::vector<int32_t>>& ids,
    const std::vector<std::vector<int32_t>>& type_ids) const {
  const engine::PackedBatch batch = engine::PackedBatch::pack(ids, type_ids);
  const std::vector<float> flat = engine::forward(*model_, batch);
  const size_t nl = size_t(config().num_labels());
  std::vector<std::vector<float>> out(batch.size());
  for (size_t b = 0; b < batch.size(); ++b)
    out[b].assign(flat.begin() + b * nl, flat.begin() + (b + 1) * nl);
  return out;
}

Prediction Classifier::make_prediction(const std::vector<float>& logits,
                                       const std::vector<std::string>& id2label) {
  Prediction p;
  p.logits = logits;
  p.probs.resize(logits.size());
  const float mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += std::exp(double(logits[i]) - mx);
  for (size_t i = 0; i < logits.size(); ++i)
    p.probs[i] = float(std::exp(double(logits[i]) - mx) / sum);
  p.label_id = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
  p.label =
      size_t(p.label_id) < id2label.size() ? id2label[p.label_id] : std::to_string(p.label_id);
  p.score = p.probs[p.label_id];
  return p;
}

std::vector<Prediction> Classifier::predict(const std::vector<std::string>& texts,
                                            const PredictOptions& options) const {
  check(options.batch_size > 0, ErrorCode::INVALID_ARGUMENT,
        "batch size ", options.batch_size, ": must be at least 1");
  check(options.max_length >= 2 && options.max_length <= config().max_position_embeddings,
        ErrorCode::INVALID_ARGUMENT,
        "max length ", options.max_length, ": must be in [2, ",
            config().max_position_embeddings, "] (the model's max_position_embeddings)");
  text::EncodeOptions eo;
  eo.max_length = options.max_length;
  eo.truncation = options.truncation;
  const int threads = model_->options().threads;
  const std::vector<text::Encoding> enc = tokenizer().encode_batch(texts, eo, threads);
  // Length buckets: sort by length so each batch holds similar lengths (balanced attention
  // work), run in batches, write back in input order.
  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return enc[a].ids.size() < enc[b].ids.size(); });
  std::vector<Prediction> out(texts.size());
  for (size_t start = 0; start < order.size(); start += size_t(options.batch_size)) {
    const size_t end = std::min(order.size(), start + size_t(options.batch_size));
    std::vector<std::vector<int32_t>> ids, types;
    for (size_t i = start; i < end; ++i) {
      ids.push_back(enc[order[i]].ids);
      types.push_back(enc[order[i]].type_ids);
    }
    const auto lg = logits(ids, types);
    for (size_t i = start; i < end; ++i) {
      out[order[i]] = make_prediction(lg[i - start], config().id2label);
    }
  }
  return out;
}

}  // namespace bertq
