// Dataset evaluation (see evaluator.h): tokenize every text (truncated, or as overflow
// windows), flatten to sequences, run them through engine::Classifier::run_sorted (sorted by
// length, batched), average each text's window logits in double, score with MetricsAccumulator.
#include "eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "data/label_map.h"
#include "engine/model.h"

namespace bertq::eval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct RunOutput {
  std::vector<std::vector<float>> logits;  // per text
  std::vector<int> windows, tokens;        // per text
  int64_t sequences = 0, total_tokens = 0;
  double tokenize_s = 0, model_s = 0;
};

RunOutput run_texts(const engine::Classifier& clf, const std::vector<std::string>& texts,
                    const EvalOptions& o) {
  check(o.batch_size > 0, ErrorCode::INVALID_ARGUMENT,
        cat("batch size ", o.batch_size, ": must be at least 1"));
  RunOutput out;
  const auto t0 = Clock::now();
  std::vector<text::Encoding> enc;
  if (o.long_text == LongText::WINDOW) {
    o.recipe.validate(clf.config().max_tokens());
    check(o.stride >= 0 && o.stride < o.recipe.max_length - 2, ErrorCode::INVALID_ARGUMENT,
          cat("stride ", o.stride, ": must be in [0, ", o.recipe.max_length - 2,
              ") (smaller than a window's content tokens)"));
    text::EncodeOptions eo = o.recipe.encode_options(clf.tokenizer());
    eo.truncation = text::Truncation::HEAD;
    eo.return_overflow = true;
    eo.stride = o.stride;
    enc = clf.tokenizer().encode_batch(texts, eo, clf.model().options().threads);
  } else {
    enc = clf.encode(texts, o.recipe);
  }
  out.tokenize_s = seconds_since(t0);

  // Flatten to (text, sequence) pairs; a text's windows are its encoding + its overflow.
  std::vector<engine::SequenceView> seqs;
  std::vector<size_t> text_of;
  out.windows.assign(texts.size(), 0);
  out.tokens.assign(texts.size(), 0);
  for (size_t i = 0; i < enc.size(); ++i) {
    seqs.push_back({&enc[i].ids, &enc[i].type_ids});
    text_of.push_back(i);
    for (const text::Encoding& w : enc[i].overflow) {
      seqs.push_back({&w.ids, &w.type_ids});
      text_of.push_back(i);
    }
  }
  const size_t nl = size_t(clf.config().num_labels());
  std::vector<std::vector<double>> sum(texts.size(), std::vector<double>(nl, 0.0));
  Progress progress("eval", seqs.size(), "seq", 1.0, o.progress);
  throw_if_interrupted("eval");
  const auto t1 = Clock::now();
  // Sums in the order the sequences ran (engine::Classifier::run_sorted), batch by batch.
  clf.run_sorted(seqs, o.batch_size, [&](size_t k, std::vector<float>& lg) {
    const size_t t = text_of[k];
    for (size_t j = 0; j < nl; ++j) sum[t][j] += double(lg[j]);
    const int len = int(seqs[k].ids->size());
    out.windows[t] += 1;
    out.tokens[t] += len;
    out.total_tokens += len;
    progress.add(1);
    throw_if_interrupted("eval");
  });
  progress.finish();
  out.model_s = seconds_since(t1);
  out.sequences = int64_t(seqs.size());
  out.logits.resize(texts.size());
  for (size_t t = 0; t < texts.size(); ++t) {
    out.logits[t].resize(nl);
    for (size_t j = 0; j < nl; ++j) out.logits[t][j] = float(sum[t][j] / out.windows[t]);
  }
  return out;
}

}  // namespace

LongText parse_long_text(std::string_view name) {
  if (name == "truncate") return LongText::TRUNCATE;
  if (name == "window") return LongText::WINDOW;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("long text mode \"", name, "\": expected truncate or window"));
}

std::string_view long_text_name(LongText m) {
  return m == LongText::WINDOW ? "window" : "truncate";
}

EvalResult evaluate(const engine::Classifier& clf, const data::Dataset& ds,
                    const EvalOptions& options) {
  EvalResult r;
  r.options = options;
  r.labels = clf.config().id2label;
  data::LabelMap model_labels;
  model_labels.names = r.labels;
  std::vector<int> labels(ds.examples.size(), -1);
  std::vector<std::string> texts;
  texts.reserve(ds.examples.size());
  for (size_t i = 0; i < ds.examples.size(); ++i) {
    const data::Example& ex = ds.examples[i];
    check(ex.text_pair.empty(), ErrorCode::UNSUPPORTED, "example ", ex.id,
          ": text pairs are not supported by eval");
    if (!ex.label_name.empty()) {
      labels[i] = model_labels.id(ex.label_name);
      check(labels[i] >= 0, ErrorCode::INVALID_ARGUMENT, "example ", ex.id, ": label \"",
            ex.label_name, "\" is not one of the model's labels");
    }
    texts.push_back(ex.text);
  }
  RunOutput run = run_texts(clf, texts, options);
  MetricsAccumulator acc(r.labels);
  r.predictions.resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ExamplePrediction& p = r.predictions[i];
    p.id = ds.examples[i].id;
    p.label = labels[i];
    p.logits = std::move(run.logits[i]);
    p.predicted = engine::argmax(p.logits);
    p.windows = run.windows[i];
    p.tokens = run.tokens[i];
    acc.add(p.label, p.logits);
  }
  r.metrics = acc.compute();
  r.sequences = run.sequences;
  r.tokens = run.total_tokens;
  r.tokenize_s = run.tokenize_s;
  r.model_s = run.model_s;
  return r;
}

std::vector<int> EvalResult::predicted_ids() const {
  std::vector<int> v;
  v.reserve(predictions.size());
  for (const auto& p : predictions) v.push_back(p.predicted);
  return v;
}

nlohmann::json EvalResult::to_json() const {
  nlohmann::json j;
  j["examples"] = predictions.size();
  j["labels"] = labels;
  j["metrics"] = metrics.to_json();
  j["sequences"] = sequences;
  j["tokens"] = tokens;
  j["tokenize_s"] = tokenize_s;
  j["model_s"] = model_s;
  j["examples_per_s"] =
      tokenize_s + model_s > 0 ? double(predictions.size()) / (tokenize_s + model_s) : 0.0;
  j["options"] = {{"max_length", options.recipe.max_length},
                  {"truncation", std::string(text::truncation_name(options.recipe.truncation))},
                  {"head_tokens", options.recipe.head_tokens},
                  {"long_text", std::string(long_text_name(options.long_text))},
                  {"stride", options.stride},
                  {"batch_size", options.batch_size}};
  return j;
}

std::string EvalResult::to_markdown() const {
  std::string s = metrics.to_markdown();
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "\n%zu examples as %lld sequences (%lld tokens), %s, max length %d; tokenize "
                "%.2f s, model %.2f s\n",
                predictions.size(), static_cast<long long>(sequences),
                static_cast<long long>(tokens),
                options.long_text == LongText::WINDOW
                    ? cat("windows with stride ", options.stride).c_str()
                    : cat("truncation ", text::truncation_name(options.recipe.truncation),
                          options.recipe.truncation == text::Truncation::HEAD_TAIL
                              ? cat(" (", options.recipe.head_tokens, " head tokens)")
                              : std::string())
                          .c_str(),
                options.recipe.max_length, tokenize_s, model_s);
  return s + buf;
}

void write_predictions_jsonl(const std::string& path, const EvalResult& r) {
  std::string out;
  for (const ExamplePrediction& p : r.predictions) {
    const engine::Prediction pr = engine::Classifier::make_prediction(p.logits, r.labels);
    nlohmann::ordered_json j;
    j["id"] = p.id;
    j["label"] = p.label >= 0 ? nlohmann::ordered_json(r.labels[size_t(p.label)]) : nullptr;
    j["label_id"] = p.label;
    j["predicted"] = pr.label;
    j["predicted_id"] = p.predicted;
    j["correct"] = p.label >= 0 ? nlohmann::ordered_json(p.label == p.predicted) : nullptr;
    j["probs"] = pr.probs;
    j["logits"] = p.logits;
    j["windows"] = p.windows;
    j["tokens"] = p.tokens;
    out += j.dump();
    out += '\n';
  }
  write_file_atomic(path, out);
}

}  // namespace bertq::eval
