// Backend over bertq::Classifier: the same library calls as `bertq predict`. A merged batch is
// split into groups of equal options (max_length, truncation); each group is tokenized once
// (with the server's head_tokens for head+tail, from --head-tokens or the model's config.json
// "bertq" block), sorted by length as Classifier::predict does, and run as one forward pass
// (packed without padding); the results are written back in the batch's order, with each
// text's token count (for /metrics).
#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "core/error.h"
#include "engine/classifier.h"
#include "server/backend.h"

namespace bertq::server {
namespace {

class ClassifierBackend : public Backend {
 public:
  ClassifierBackend(const std::string& model_dir, int threads, int head_tokens)
      : classifier_(model_dir, make_options(threads)), head_tokens_(head_tokens) {
    check(head_tokens >= 0, ErrorCode::INVALID_ARGUMENT,
          "head tokens ", head_tokens, ": must be >= 0");
    classifier_.tokenizer();  // NOT_FOUND now, at load time, if the folder has no tokenizer
  }

  std::vector<ClassifyResult> classify(const std::vector<ClassifyItem>& batch) override {
    std::map<std::pair<int, std::string>, std::vector<size_t>> groups;
    for (size_t i = 0; i < batch.size(); ++i)
      groups[{batch[i].max_length, batch[i].truncation}].push_back(i);
    std::vector<ClassifyResult> out(batch.size());
    const int max_pos = classifier_.config().max_position_embeddings;
    for (const auto& [key, idx] : groups) {
      check(key.first >= 2 && key.first <= max_pos, ErrorCode::INVALID_ARGUMENT,
            "max length ", key.first, ": must be in [2, ", max_pos,
                "] (the model's max_position_embeddings)");
      text::EncodeOptions eo;
      eo.max_length = key.first;
      eo.truncation = text::parse_truncation(key.second);
      eo.head_tokens = head_tokens_;
      std::vector<text::Encoding> enc;
      enc.reserve(idx.size());
      for (size_t i : idx) enc.push_back(classifier_.tokenizer().encode(batch[i].text, eo));
      // Sorted by length as in Classifier::predict, so a text alone and in a batch pack alike.
      std::vector<size_t> order(idx.size());
      std::iota(order.begin(), order.end(), size_t(0));
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return enc[a].ids.size() < enc[b].ids.size(); });
      std::vector<std::vector<int32_t>> ids, types;
      for (size_t k : order) {
        ids.push_back(enc[k].ids);
        types.push_back(enc[k].type_ids);
      }
      const auto logits = classifier_.logits(ids, types);
      for (size_t r = 0; r < order.size(); ++r) {
        const size_t k = order[r];
        const Prediction p = Classifier::make_prediction(logits[r], classifier_.config().id2label);
        ClassifyResult& res = out[idx[k]];
        res.label_id = p.label_id;
        res.label = p.label;
        res.score = p.score;
        res.probs = p.probs;
        res.tokens = enc[k].size();
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

  void warm_up(int max_length) override {
    // A short and a long text (cut to max_length): first-touch of weights and workspaces.
    std::string long_text;
    for (int i = 0; i < max_length; ++i) long_text += "warm up text ";
    classify({{"warm up", max_length, "head"}, {long_text, max_length, "head"}});
  }

 private:
  static engine::EngineOptions make_options(int threads) {
    engine::EngineOptions o;
    o.threads = threads;
    return o;
  }

  Classifier classifier_;
  int head_tokens_;
};

}  // namespace

std::unique_ptr<Backend> make_classifier_backend(const std::string& model_dir, int threads,
                                                 int head_tokens) {
  return std::make_unique<ClassifierBackend>(model_dir, threads, head_tokens);
}

}  // namespace bertq::server
