// Interleaved FP32 / INT8 end-to-end benchmark (see bench.h).
#include "pipeline/bench.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "engine/classifier.h"

namespace bertq::pipeline {

nlohmann::json BenchRow::to_json() const {
  return {{"model", model},         {"batch_size", batch_size},   {"threads", threads},
          {"texts", texts},         {"median_s", median_s},       {"min_s", min_s},
          {"max_s", max_s},         {"ms_per_text", ms_per_text()}, {"texts_per_s", texts_per_s()},
          {"isa", std::string(isa_name(active_isa()))}};
}

std::vector<BenchRow> bench_models(const std::vector<BenchModel>& models,
                                   const std::vector<std::string>& texts,
                                   const PipelineBenchOptions& options, int max_length) {
  check(!texts.empty(), ErrorCode::INVALID_ARGUMENT, "bench: no texts");
  check(!options.batch_sizes.empty(), ErrorCode::INVALID_ARGUMENT, "bench: no batch sizes");
  check(options.repeats > 0, ErrorCode::INVALID_ARGUMENT, "bench: repeats must be positive");
  const int threads = options.threads > 0 ? options.threads : default_num_threads();
  engine::EngineOptions eo;
  eo.threads = threads;
  std::vector<std::unique_ptr<Classifier>> clfs;
  for (const auto& m : models) clfs.push_back(std::make_unique<Classifier>(m.dir, eo));

  std::vector<BenchRow> rows;
  for (int b : options.batch_sizes) {
    check(b > 0, ErrorCode::INVALID_ARGUMENT, cat("bench: batch size ", b));
    PredictOptions po;
    po.max_length = max_length;
    po.batch_size = b;
    po.truncation = text::Truncation::HEAD;
    auto pass = [&](size_t k) {
      const auto t0 = std::chrono::steady_clock::now();
      // The result is used (its size checked) so the work cannot be optimised away.
      const auto preds = clfs[k]->predict(texts, po);
      check(preds.size() == texts.size(), ErrorCode::INTERNAL, "bench: prediction count");
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    for (size_t k = 0; k < clfs.size(); ++k) pass(k);  // warm-up
    std::vector<std::vector<double>> times(clfs.size());
    for (int r = 0; r < options.repeats; ++r)
      for (size_t k = 0; k < clfs.size(); ++k) times[k].push_back(pass(k));
    for (size_t k = 0; k < clfs.size(); ++k) {
      auto t = times[k];
      std::sort(t.begin(), t.end());
      BenchRow row;
      row.model = models[k].name;
      row.batch_size = b;
      row.threads = threads;
      row.texts = texts.size();
      row.median_s = t[t.size() / 2];
      row.min_s = t.front();
      row.max_s = t.back();
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace bertq::pipeline
