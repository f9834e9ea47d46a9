// Backend over bertq::engine::Classifier: the same library path as `bertq predict`. A merged batch
// is split into groups of equal recipes (max_length, truncation, head_tokens), each encoded by
// engine::Classifier::encode and run by
// engine::Classifier::run_sorted as one forward pass (sorted by length, packed without padding);
// the results are written back in the batch's order, with each text's token count (for /metrics).
#include <map>
#include <tuple>

#include "core/error.h"
#include "engine/classifier.h"
#include "server/backend.h"

namespace bertq::server {
namespace {

class ClassifierBackend : public Backend {
 public:
  ClassifierBackend(const std::string& model_dir, const engine::EngineOptions& options)
      : classifier_(model_dir, options) {
    classifier_.tokenizer();  // NOT_FOUND now, at load time, if the folder has no tokenizer
  }

  std::vector<ClassifyResult> classify(const std::vector<ClassifyItem>& batch) override {
    std::map<std::tuple<int, text::Truncation, int>, std::vector<size_t>> groups;
    for (size_t i = 0; i < batch.size(); ++i) {
      const text::TokenizationRecipe& r = batch[i].recipe;
      groups[{r.max_length, r.truncation, r.head_tokens}].push_back(i);
    }
    std::vector<ClassifyResult> out(batch.size());
    for (const auto& group : groups) {
      const text::TokenizationRecipe& recipe = batch[group.second.front()].recipe;
      const std::vector<size_t>& idx = group.second;  // a name the lambda below can capture
      recipe.validate(classifier_.config().max_position_embeddings);
      std::vector<std::string> texts;
      texts.reserve(idx.size());
      for (size_t i : idx) texts.push_back(batch[i].text);
      const std::vector<text::Encoding> enc = classifier_.encode(texts, recipe);
      const int group_size = int(idx.size());  // the whole group in one forward pass
      classifier_.run_sorted(
          engine::sequence_views(enc), group_size, [&](size_t k, std::vector<float>& l) {
            const engine::Prediction p =
                engine::Classifier::make_prediction(l, classifier_.config().id2label);
            ClassifyResult& res = out[idx[k]];
            res.label_id = p.label_id;
            res.label = p.label;
            res.score = p.score;
            res.probs = p.probs;
            res.logits = p.logits;
            res.tokens = enc[k].size();
          });
    }
    return out;
  }

  std::vector<std::string> labels() const override {
    const auto& id2label = classifier_.config().id2label;
    std::vector<std::string> out;
    for (int i = 0; i < classifier_.config().num_labels(); ++i)
      out.push_back(size_t(i) < id2label.size() ? id2label[i] : std::to_string(i));
    return out;
  }

  void warm_up(int max_length) override {
    // A short and a long text (cut to max_length): first-touch of weights and workspaces.
    std::string long_text;
    for (int i = 0; i < max_length; ++i) long_text += "warm up text ";
    text::TokenizationRecipe recipe;
    recipe.max_length = max_length;
    classify({{"warm up", recipe}, {long_text, recipe}});
  }

 private:
  engine::Classifier classifier_;
};

}  // namespace

std::unique_ptr<Backend> make_classifier_backend(const std::string& model_dir,
                                                 const engine::EngineOptions& options) {
  return std::make_unique<ClassifierBackend>(model_dir, options);
}

}  // namespace bertq::server
