// Model evaluation over a labelled file (see evaluate.h).
#include "pipeline/evaluate.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "core/error.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "engine/classifier.h"
#include "text/truncation.h"

namespace bertq::pipeline {

EvalRun evaluate_model(const std::string& model_dir, const std::string& data_path,
                       const EvalRunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  engine::EngineOptions eo;
  eo.threads = options.threads;
  Classifier clf(model_dir, eo);
  data::Dataset ds = data::load_dataset(data_path);
  data::map_labels(ds, clf.config().id2label);
  std::vector<std::string> texts;
  texts.reserve(ds.examples.size());
  for (const auto& ex : ds.examples) texts.push_back(ex.text);
  PredictOptions po;
  po.max_length = options.max_length;
  po.batch_size = options.batch_size;
  po.truncation = text::parse_truncation(options.truncation);
  const auto preds = clf.predict(texts, po);
  eval::MetricsAccumulator acc(clf.config().id2label);
  EvalRun run;
  for (size_t i = 0; i < preds.size(); ++i) {
    acc.add(ds.examples[i].label, preds[i].logits);
    run.predictions.push_back(preds[i].label_id);
  }
  run.metrics = acc.compute();
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

void save_eval(const std::string& path, const EvalRun& run) {
  nlohmann::json j = {{"metrics", run.metrics.to_json()},
                      {"wall_s", run.wall_s},
                      {"predictions", run.predictions}};
  write_file_atomic(path, j.dump() + "\n");
}

EvalRun load_eval(const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, false);
  check(!j.is_discarded() && j.is_object() && j.contains("predictions") && j.contains("metrics"),
        ErrorCode::CORRUPT_FILE, cat(path, ": not an evaluation file (predictions, metrics)"));
  EvalRun run;
  run.predictions = j["predictions"].get<std::vector<int>>();
  const auto& m = j["metrics"];
  run.metrics.accuracy = m.value("accuracy", 0.0);
  run.metrics.macro_f1 = m.value("macro_f1", 0.0);
  run.metrics.mean_loss = m.value("mean_loss", 0.0);
  run.metrics.n = m.value("examples", int64_t{0});
  run.wall_s = j.value("wall_s", 0.0);
  return run;
}

}  // namespace bertq::pipeline
