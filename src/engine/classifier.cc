// The public Classifier (see classifier.h): model + tokenizer loading, tokenizing with a
// recipe, length-bucketed batching and restoring the input order.
#include "engine/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "engine/bert_encoder.h"
#include "engine/model.h"
#include "io/model_folder.h"

namespace bertq::engine {

Classifier::Classifier(const std::string& model_dir, EngineOptions options) {
  const io::ModelFolder folder = io::ModelFolder::load(model_dir);
  model_ = Model::from_folder(folder, options);
  if (folder.has_tokenizer()) {
    tokenizer_ = text::Tokenizer::from_folder(model_dir);
    model_->config().check_tokenizer_pad(tokenizer_->pad_id(), model_dir);
  }
}

Classifier::Classifier(std::shared_ptr<const Model> model, std::optional<text::Tokenizer> tokenizer)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
  check(model_ != nullptr, ErrorCode::INVALID_ARGUMENT, "Classifier: no model");
}

Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

const io::BertConfig& Classifier::config() const {
  return model_->config();
}

const text::Tokenizer& Classifier::tokenizer() const {
  check(tokenizer_.has_value(), ErrorCode::NOT_FOUND, model_->dir(),
        ": no tokenizer files (vocab.txt or tokenizer.json); copy them from "
        "the base model folder");
  return *tokenizer_;
}

std::vector<std::vector<float>> Classifier::logits(
    const std::vector<std::vector<int32_t>>& ids,
    const std::vector<std::vector<int32_t>>& type_ids) const {
  const PackedBatch batch = PackedBatch::pack(ids, type_ids);
  const std::vector<float> flat = forward(*model_, batch);
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
  p.label_id = argmax(logits);
  p.label =
      size_t(p.label_id) < id2label.size() ? id2label[p.label_id] : std::to_string(p.label_id);
  p.score = p.probs[p.label_id];
  return p;
}

int argmax(const std::vector<float>& v) {
  if (v.empty()) return -1;
  int best = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] > v[best]) best = static_cast<int>(i);
  }
  return best;
}

std::vector<SequenceView> sequence_views(const std::vector<text::Encoding>& encodings) {
  std::vector<SequenceView> v;
  v.reserve(encodings.size());
  for (const text::Encoding& e : encodings) v.push_back({&e.ids, &e.type_ids});
  return v;
}

std::vector<text::Encoding> Classifier::encode(const std::vector<std::string>& texts,
                                               const text::TokenizationRecipe& recipe) const {
  recipe.validate(config().max_tokens());
  return tokenizer().encode_batch(texts, recipe.encode_options(tokenizer()),
                                  model_->options().threads);
}

void Classifier::run_sorted(const std::vector<SequenceView>& seqs, int batch_size,
                            const LogitsSink& sink) const {
  check(batch_size > 0, ErrorCode::INVALID_ARGUMENT,
        cat("batch size ", batch_size, ": must be at least 1"));
  std::vector<size_t> order(seqs.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return seqs[a].ids->size() < seqs[b].ids->size(); });
  for (size_t start = 0; start < order.size(); start += size_t(batch_size)) {
    const size_t end = std::min(order.size(), start + size_t(batch_size));
    std::vector<std::vector<int32_t>> ids, types;
    bool any_types = false;
    for (size_t i = start; i < end; ++i) {
      const SequenceView& s = seqs[order[i]];
      ids.push_back(*s.ids);
      const bool typed = s.type_ids != nullptr && !s.type_ids->empty();
      types.push_back(typed ? *s.type_ids : std::vector<int32_t>(s.ids->size(), 0));
      any_types |= typed;
    }
    if (!any_types) types.clear();
    std::vector<std::vector<float>> lg = logits(ids, types);
    for (size_t i = start; i < end; ++i) sink(order[i], lg[i - start]);
  }
}

std::vector<std::vector<float>> Classifier::sequence_logits(const std::vector<SequenceView>& seqs,
                                                            int batch_size) const {
  std::vector<std::vector<float>> out(seqs.size());
  run_sorted(seqs, batch_size, [&](size_t i, std::vector<float>& l) { out[i] = std::move(l); });
  return out;
}

std::vector<std::vector<float>> Classifier::text_logits(const std::vector<std::string>& texts,
                                                        const text::TokenizationRecipe& recipe,
                                                        int batch_size) const {
  const std::vector<text::Encoding> enc = encode(texts, recipe);
  return sequence_logits(sequence_views(enc), batch_size);
}

TokenizationSettings Classifier::tokenization(const TokenizationRequest& given) const {
  return resolve_tokenization(config(), given);
}

std::vector<Prediction> Classifier::predict(const std::vector<std::string>& texts,
                                            const PredictOptions& options) const {
  const text::TokenizationRecipe recipe = tokenization(options.tokenization).recipe;
  std::vector<Prediction> out;
  out.reserve(texts.size());
  for (const std::vector<float>& l : text_logits(texts, recipe, options.batch_size))
    out.push_back(make_prediction(l, config().id2label));
  return out;
}

}  // namespace bertq::engine
