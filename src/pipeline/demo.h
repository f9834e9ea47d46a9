// `bertq demo`: the whole job offline, in a few minutes on 2 cores. By default the real job
// in miniature: fine-tune the pretrained sentence-transformers/all-MiniLM-L6-v2 (placed in the
// cache by `scripts/setup.sh --pretrained`) on the real IMDB reviews where they are on the
// machine (data::find_imdb: $BERTQ_IMDB_DIR or a downloaded dataset; 2,000 train reviews, 500
// test reviews), else on the built-in synthetic corpus, then quantize, evaluate and benchmark;
// DemoResult::data says which. With model = "scratch" (the first demo):
//   corpus  data::write_synthetic_corpus -> RUN/corpus/{train,test}.jsonl (built-in templates)
//   vocab   text::VocabTrainer on the train split -> RUN/vocab/vocab.txt (WordPiece)
//   init    io::init_model_folder: a small BERT from scratch -> RUN/init-model
//   then    run_pipeline(model = RUN/init-model, data = RUN/corpus, out = RUN)
// Every step is a resumable stage with a done-marker like the pipeline's own.
//
//   pipeline::DemoOptions o;  o.out = "runs/demo";
//   pipeline::DemoResult r = pipeline::run_demo(o);   std::puts(r.pipeline.table.c_str());
#pragma once

#include <functional>
#include <string>

#include "pipeline/pipeline.h"

namespace bertq::pipeline {

// The pretrained model the demo fine-tunes (a hub name, resolved in the cache).
inline constexpr const char* kDemoModel = "sentence-transformers/all-MiniLM-L6-v2";

struct DemoOptions {
  std::string out = "runs/demo";
  std::string model = kDemoModel;  // a model folder or hub name to fine-tune, or "scratch"
  std::string data = "auto";       // auto (IMDB where on the machine, else synthetic) | synthetic
  std::string size = "small";      // scratch only: small (a few minutes) | tiny (tests, seconds)
  int threads = 0;
  uint64_t seed = 1;
  std::string stop_after;          // as PipelineOptions::stop_after
  int64_t train_stop_at_step = 0;  // tests: interrupt training after this step
  bool progress = true;
};

// The pipeline options of a demo (corpus sizes, model shape and training settings are in the
// returned struct's fields and in demo_model_shape()); `imdb` = the demo runs on IMDB.
PipelineOptions demo_pipeline_options(const DemoOptions& o, bool imdb = false);
// Whether the demo runs on IMDB: data "auto" and data::find_imdb() finds it; never from scratch
// (its vocabulary is trained on the synthetic corpus).
bool demo_uses_imdb(const DemoOptions& o);

struct DemoModelShape {
  int layers, hidden, heads, intermediate, max_position;
  size_t vocab_size, train_size, test_size;
};
// INVALID_ARGUMENT for an unknown size.
DemoModelShape demo_model_shape(const std::string& size);

struct DemoResult {
  PipelineResult pipeline;
  std::vector<StageOutcome> setup;  // corpus, vocab, init (those the demo needs)
  std::string data;                 // what it ran on, in words (printed with the table)
};

DemoResult run_demo(const DemoOptions& o,
                    const std::function<void(const StageOutcome&)>& on_stage = {});

}  // namespace bertq::pipeline
