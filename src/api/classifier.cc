// The public API (include/bertq/bertq.h) over engine::Classifier: options mapped to the
// engine's, the model's tokenization recipe resolved once (engine/tokenization_rule.h), results
// copied into the public types. Nothing here is a second implementation: predict is
// engine::Classifier::predict.
#include <bertq/bertq.h>

#include "data/hub.h"
#include "engine/classifier.h"

namespace bertq {

const char* version() {
  return BERTQ_VERSION;
}

struct Classifier::Impl {
  std::string dir;
  engine::Classifier clf;
  engine::PredictOptions options;
  engine::TokenizationSettings settings;  // what options.tokenization resolves to

  Impl(std::string model_dir, const engine::EngineOptions& eo)
      : dir(std::move(model_dir)), clf(dir, eo) {}
};

namespace {

engine::EngineOptions engine_options(const Options& o) {
  engine::EngineOptions eo;
  eo.threads = o.threads;
  eo.compute = engine::parse_compute(o.compute);
  return eo;
}

Result to_result(engine::Prediction&& p) {
  Result r;
  r.label = std::move(p.label);
  r.label_id = p.label_id;
  r.score = p.score;
  r.logits = std::move(p.logits);
  r.probs = std::move(p.probs);
  return r;
}

}  // namespace

Classifier::Classifier(const std::string& model, const Options& options)
    : impl_(std::make_unique<Impl>(data::resolve_model(model), engine_options(options))) {
  engine::PredictOptions& po = impl_->options;
  po.tokenization.max_length = options.max_length;
  po.tokenization.truncation = options.truncation;
  po.tokenization.head_tokens = options.head_tokens;
  po.batch_size = options.batch_size;
  // Checks the options now (not at the first predict) and keeps what they resolve to.
  impl_->settings = impl_->clf.tokenization(po.tokenization);
  impl_->clf.tokenizer();  // NOT_FOUND now when the folder has no tokenizer files
}

Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

std::vector<Result> Classifier::predict(const std::vector<std::string>& texts) const {
  std::vector<engine::Prediction> preds = impl_->clf.predict(texts, impl_->options);
  std::vector<Result> out;
  out.reserve(preds.size());
  for (engine::Prediction& p : preds) out.push_back(to_result(std::move(p)));
  return out;
}

Result Classifier::predict(const std::string& text) const {
  return std::move(predict(std::vector<std::string>{text})[0]);
}

Encoding Classifier::encode(const std::string& text) const {
  text::EncodeOptions eo = impl_->settings.recipe.encode_options(impl_->clf.tokenizer());
  eo.return_offsets = true;
  text::Encoding e = impl_->clf.tokenizer().encode(text, eo);
  return {std::move(e.ids), std::move(e.offsets)};
}

const std::vector<std::string>& Classifier::labels() const {
  return impl_->clf.config().id2label;
}

std::string Classifier::tokenization() const {
  return impl_->settings.describe();
}

const std::string& Classifier::model_dir() const {
  return impl_->dir;
}

}  // namespace bertq
