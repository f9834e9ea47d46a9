// Evaluation set, logits through engine::Classifier::run_sorted, FP32-vs-INT8 comparison and
// per-layer sensitivity (fidelity.h).
#include "quant/fidelity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "data/dataset.h"
#include "data/label_map.h"
#include "engine/classifier.h"

namespace bertq::quant {

EvalSet make_eval_set(const std::string& spec, size_t n, uint64_t seed, const text::Tokenizer& tok,
                      const io::BertConfig& config, const text::TokenizationRecipe& recipe) {
  recipe.validate(config.max_position_embeddings);
  data::Dataset ds = data::load_dataset(spec, data::ReadOptions{}, n, seed);
  data::map_labels(ds, config.id2label);
  std::vector<std::string> texts;
  EvalSet s;
  for (const auto& ex : ds.examples) {
    texts.push_back(ex.text);
    s.labels.push_back(ex.label);
  }
  for (auto& e : tok.encode_batch(texts, recipe.encode_options(tok)))
    s.ids.push_back(std::move(e.ids));
  return s;
}

std::vector<std::vector<float>> run_logits(std::shared_ptr<const engine::Model> m,
                                           const EvalSet& set, int batch_size) {
  std::vector<engine::SequenceView> seqs;
  seqs.reserve(set.ids.size());
  for (const auto& ids : set.ids) seqs.push_back({&ids, nullptr});
  return engine::Classifier(std::move(m)).sequence_logits(seqs, batch_size);
}

Fidelity compare(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b,
                 const std::vector<int>& labels) {
  check(a.size() == b.size() && a.size() == labels.size(), ErrorCode::INVALID_ARGUMENT,
        "fidelity: logits / labels of different lengths");
  Fidelity f;
  f.n = a.size();
  size_t agree = 0, labelled = 0, ok32 = 0, ok8 = 0;
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int pa = engine::argmax(a[i]), pb = engine::argmax(b[i]);
    agree += pa == pb;
    double num = 0, den = 0;
    for (size_t j = 0; j < a[i].size(); ++j) {
      num += (double(b[i][j]) - a[i][j]) * (double(b[i][j]) - a[i][j]);
      den += double(a[i][j]) * a[i][j];
    }
    const double rel = std::sqrt(num / std::max(den, 1e-30));
    sum += rel;
    f.rel_err_max = std::max(f.rel_err_max, rel);
    if (labels[i] >= 0) {
      ++labelled;
      ok32 += pa == labels[i];
      ok8 += pb == labels[i];
    }
  }
  if (f.n) {
    f.agreement = 100.0 * double(agree) / double(f.n);
    f.rel_err_mean = sum / double(f.n);
  }
  if (labelled) {
    f.accuracy_fp32 = 100.0 * double(ok32) / double(labelled);
    f.accuracy_int8 = 100.0 * double(ok8) / double(labelled);
  }
  return f;
}

std::string Fidelity::to_string() const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "n %zu | agreement %.2f%% | logit rel err mean %.4f max %.4f | accuracy fp32 "
                "%.2f%% int8 %.2f%% (drop %.2f)",
                n, agreement, rel_err_mean, rel_err_max, accuracy_fp32, accuracy_int8,
                accuracy_fp32 - accuracy_int8);
  return buf;
}

std::string layer_glob(int layer) {
  return cat("bert.encoder.layer.", layer, ".*");
}

std::vector<LayerSensitivity> layer_sensitivity(
    const io::ModelFolder& fp32, const QuantizeOptions& o, const Ranges* ranges, const EvalSet& set,
    const std::vector<std::vector<float>>& fp32_logits) {
  std::vector<LayerSensitivity> out;
  const int L = fp32.config.num_hidden_layers;
  for (int l = 0; l < L; ++l) {
    QuantizeOptions one = o;
    one.int8_embeddings = false;
    one.keep_fp32 = {"bert.pooler.*"};
    for (int j = 0; j < L; ++j)
      if (j != l) one.keep_fp32.push_back(layer_glob(j));
    const QuantizedModel q = quantize(fp32, one, ranges);
    out.push_back({l, compare(fp32_logits, run_logits(load_in_memory(q, {}), set), set.labels)});
  }
  return out;
}

}  // namespace bertq::quant
