// `bertq demo`: the whole job offline, from nothing outside the repository:
//   corpus  data::write_synthetic_corpus -> RUN/corpus/{train,test}.jsonl (built-in templates)
//   vocab   text::VocabTrainer on the train split -> RUN/vocab/vocab.txt (WordPiece)
//   init    io::init_model_folder: a small BERT from scratch -> RUN/init-model
//   then    run_pipeline(model = RUN/init-model, data = RUN/corpus, out = RUN)
// Every step is a resumable stage with a done-marker like the pipeline's own.
//
//   pipeline::DemoOptions o;  o.out = "runs/demo";  o.size = "small";
//   pipeline::DemoResult r = pipeline::run_demo(o);   std::puts(r.pipeline.table.c_str());
#pragma once

#include <functional>
#include <string>

#include "pipeline/pipeline.h"

namespace bertq::pipeline {

struct DemoOptions {
  std::string out = "runs/demo";
  std::string size = "small";  // small (the README's demo) | tiny (tests, seconds)
  int threads = 0;
  uint64_t seed = 1;
  std::string stop_after;      // as PipelineOptions::stop_after
  int64_t train_stop_at_step = 0;  // tests: interrupt training after this step
  bool progress = true;
};

// The pipeline options a demo size uses (corpus sizes, model shape and training settings are
// in the returned struct's fields and in demo_model_shape()).
PipelineOptions demo_pipeline_options(const DemoOptions& o);

struct DemoModelShape {
  int layers, hidden, heads, intermediate, max_position;
  size_t vocab_size, train_size, test_size;
};
// INVALID_ARGUMENT for an unknown size.
DemoModelShape demo_model_shape(const std::string& size);

struct DemoResult {
  PipelineResult pipeline;
  std::vector<StageOutcome> setup;  // corpus, vocab, init
};

DemoResult run_demo(const DemoOptions& o,
                    const std::function<void(const StageOutcome&)>& on_stage = {});

}  // namespace bertq::pipeline
