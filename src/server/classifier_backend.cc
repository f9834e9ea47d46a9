// Backend over bertq::Classifier: the same library call as `bertq predict`. A merged batch is
// split into groups of equal options (max_length, truncation); each group is one
// Classifier::predict call (which length-buckets and packs without padding), and the results
// are written back in the batch's order. Token counts (for /metrics) come from the
// Classifier's own tokenizer with the same options.
#include <map>
#include <utility>

#include "core/error.h"
#include "engine/classifier.h"
#include "server/backend.h"

namespace bertq::server {
namespace {

class ClassifierBackend : public Backend {
 public:
  ClassifierBackend(const std::string& model_dir, int threads)
      : classifier_(model_dir, make_options(threads)) {
    classifier_.tokenizer();  // NOT_FOUND now, at load time, if the folder has no tokenizer
  }

  std::vector<ClassifyResult> classify(const std::vector<ClassifyItem>& batch) override {
    std::map<std::pair<int, std::string>, std::vector<size_t>> groups;
    for (size_t i = 0; i < batch.size(); ++i)
      groups[{batch[i].max_length, batch[i].truncation}].push_back(i);
    std::vector<ClassifyResult> out(batch.size());
    for (const auto& [key, idx] : groups) {
      PredictOptions po;
      po.max_length = key.first;
      po.truncation = text::parse_truncation(key.second);
      po.batch_size = int(idx.size());  // the server already bounded the batch (--max-batch)
      std::vector<std::string> texts;
      texts.reserve(idx.size());
      for (size_t i : idx) texts.push_back(batch[i].text);
      const std::vector<Prediction> preds = classifier_.predict(texts, po);
      text::EncodeOptions eo;
      eo.max_length = po.max_length;
      eo.truncation = po.truncation;
      for (size_t k = 0; k < idx.size(); ++k) {
        ClassifyResult& r = out[idx[k]];
        r.label_id = preds[k].label_id;
        r.label = preds[k].label;
        r.score = preds[k].score;
        r.probs = preds[k].probs;
        r.tokens = classifier_.tokenizer().encode(texts[k], eo).size();
      }
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

  void warm_up() override {
    // A short and a long text: first-touch of weights and workspaces of both sizes.
    std::string long_text;
    for (int i = 0; i < 200; ++i) long_text += "warm up text ";
    classify({{"warm up", 512, "head"}, {long_text, 512, "head"}});
  }

 private:
  static engine::EngineOptions make_options(int threads) {
    engine::EngineOptions o;
    o.threads = threads;
    return o;
  }

  Classifier classifier_;
};

}  // namespace

std::unique_ptr<Backend> make_classifier_backend(const std::string& model_dir, int threads) {
  return std::make_unique<ClassifierBackend>(model_dir, threads);
}

}  // namespace bertq::server
