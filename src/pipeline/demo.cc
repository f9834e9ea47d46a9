// `bertq demo` (see demo.h): corpus -> vocab -> init -> pipeline, each a resumable stage.
#include "pipeline/demo.h"

#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "data/dataset.h"
#include "data/hub.h"
#include "data/synthetic.h"
#include "io/init_model.h"
#include "pipeline/stage_store.h"
#include "text/vocab_trainer.h"

namespace fs = std::filesystem;

namespace bertq::pipeline {

DemoModelShape demo_model_shape(const std::string& size) {
  if (size == "small") return {2, 64, 4, 256, 128, 2000, 4000, 1000};
  if (size == "tiny") return {1, 32, 2, 64, 64, 600, 800, 200};
  throw Error(ErrorCode::INVALID_ARGUMENT, cat("demo --size ", size, ": expected small or tiny"));
}

bool demo_uses_imdb(const DemoOptions& o) {
  check(o.data == "auto" || o.data == "synthetic", ErrorCode::INVALID_ARGUMENT, "demo --data ",
        o.data, ": expected auto or synthetic");
  return o.model != "scratch" && o.data == "auto" && !data::find_imdb().empty();
}

PipelineOptions demo_pipeline_options(const DemoOptions& o, bool imdb) {
  PipelineOptions p;
  p.out = o.out;
  p.download = false;
  p.seed = o.seed;
  p.threads = o.threads;
  p.progress = o.progress;
  p.stop_after = o.stop_after;
  p.train.log_every = 10;
  p.train.stop_at_step = o.train_stop_at_step;
  p.train.warmup_ratio = 0.1;
  p.train.validation_split = 0.1;
  p.bench.batch_sizes = {1, 16};
  p.bench.threads = o.threads;
  p.eval_batch_size = 64;
  if (o.model != "scratch") {
    // Fine-tuning a pretrained model, sized for ~5 minutes on 2 cores (MiniLM-L6 trains at
    // ~860 tokens/s there): one epoch over 1,800 reviews at 64 tokens (head+tail: the start
    // and the verdict at the end) on IMDB, or over 1,350 synthetic reviews (~50 tokens each).
    // A short run needs a larger rate than the 2e-5..5e-5 of full fine-tuning: at 5e-5 the
    // loss had hardly moved after 68 steps (0.693 -> 0.635, 66.6% on 500 test reviews).
    p.model = o.model;
    p.data = imdb ? "imdb" : join_path(o.out, "corpus");
    p.train_limit = imdb ? 2000 : 1500;
    p.test_limit = imdb ? 500 : 0;
    p.train.epochs = 1;
    p.train.lr = 1.5e-4;
    p.train.batch_size = 16;
    p.train.recipe.max_length = 64;
    p.train.recipe.truncation = imdb ? text::Truncation::HEAD_TAIL : text::Truncation::HEAD;
    p.quant.calibration_size = 128;
    p.bench.texts = 32;
    p.bench.repeats = 2;
    return p;
  }
  demo_model_shape(o.size);  // validates the size
  p.model = join_path(o.out, "init-model");
  p.data = join_path(o.out, "corpus");
  // From scratch, a small model: a large rate with warmup. Tiny is for tests (seconds): it
  // runs every stage but is too small to learn much (held-out accuracy ~0.55).
  p.train.epochs = 3;
  p.train.lr = 1e-3;
  p.train.batch_size = o.size == "tiny" ? 16 : 32;
  p.train.recipe.max_length = 64;  // the longest synthetic review is ~50 tokens
  p.train.recipe.truncation = text::Truncation::HEAD;
  p.train.dropout = 0.1;
  p.quant.calibration_size = o.size == "tiny" ? 64 : 256;
  p.bench.texts = o.size == "tiny" ? 32 : 256;
  p.bench.repeats = o.size == "tiny" ? 1 : 3;
  return p;
}

namespace {

// Runs `body` as stage `name` unless its marker matches `inputs`.
StageOutcome setup_stage(const StageStore& store, const std::string& name,
                         const nlohmann::json& inputs,
                         const std::function<StageOutcome(void)>& body,
                         const std::function<void(const StageOutcome&)>& on_stage) {
  StageOutcome out;
  out.stage = name;
  std::string why;
  if (auto done = store.completed(name, inputs, &why)) {
    out.skipped = true;
    out.result = (*done)["result"];
    out.wall_s = done->value("wall_s", 0.0);
    if (on_stage) on_stage(out);
    return out;
  }
  if (on_stage) on_stage(out);
  store.invalidate(name);
  try {
    return body();
  } catch (const Error& e) {
    rethrow_with_context(e, "stage " + name);
  }
}

}  // namespace

DemoResult run_demo(const DemoOptions& o,
                    const std::function<void(const StageOutcome&)>& on_stage) {
  const bool scratch = o.model == "scratch";
  const bool imdb = demo_uses_imdb(o);
  const DemoModelShape s = demo_model_shape(o.size);
  if (!scratch) {
    try {
      data::resolve_model(o.model);
    } catch (const Error& e) {
      throw Error(
          e.code(),
          cat(e.what(),
              o.model == kDemoModel ? "; `scripts/setup.sh --pretrained` places it offline" : ""));
    }
  }
  make_dirs(o.out);
  StageStore store(fs::absolute(o.out).lexically_normal().string());
  DemoResult res;
  using Clock = std::chrono::steady_clock;
  auto secs = [](Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };

  const PipelineOptions p = demo_pipeline_options(o, imdb);
  if (imdb) {
    res.data = cat("IMDB (", data::find_imdb(), "): ", p.train_limit, " train reviews (",
                   p.train.validation_split * 100, "% held out), ", p.test_limit, " test reviews");
    log_info(cat("demo data: ", res.data));
    res.pipeline = run_pipeline(p, on_stage);
    return res;
  }
  res.data = cat("the built-in synthetic corpus (", s.train_size, " train, ", s.test_size,
                 " test reviews from templates",
                 scratch ? "; from scratch, the vocabulary is trained on it"
                         : (o.data == "auto" ? "; no IMDB on this machine" : ""),
                 ")");
  log_info(cat("demo data: ", res.data));
  const nlohmann::json corpus_in = {
      {"train", s.train_size}, {"test", s.test_size}, {"seed", o.seed}};
  const std::string corpus = join_path(o.out, "corpus");
  res.setup.push_back(setup_stage(
      store, "corpus", corpus_in,
      [&] {
        const auto t0 = Clock::now();
        data::SyntheticOptions so;
        so.train_size = s.train_size;
        so.test_size = s.test_size;
        so.seed = o.seed;
        const auto paths = data::write_synthetic_corpus(corpus, so);
        StageOutcome out{
            "corpus", false, secs(t0), {{"train", s.train_size}, {"test", s.test_size}}};
        store.mark_done("corpus", corpus_in, paths, out.result, out.wall_s);
        return out;
      },
      on_stage));

  if (!scratch) {
    res.pipeline = run_pipeline(p, on_stage);
    return res;
  }

  const std::string vocab_dir = join_path(o.out, "vocab");
  const nlohmann::json vocab_in = {{"vocab_size", s.vocab_size},
                                   {"corpus", fingerprint(join_path(corpus, "train.jsonl"))}};
  res.setup.push_back(setup_stage(
      store, "vocab", vocab_in,
      [&] {
        const auto t0 = Clock::now();
        text::VocabTrainerOptions vo;
        vo.vocab_size = s.vocab_size;
        vo.min_frequency = 2;
        text::VocabTrainer trainer(vo);
        trainer.add_file(join_path(corpus, "train.jsonl"));
        const auto vocab = trainer.train();
        std::string body;
        for (const auto& t : vocab) body += t + "\n";
        make_dirs(vocab_dir);
        write_file_atomic(join_path(vocab_dir, "vocab.txt"), body);
        StageOutcome out{"vocab", false, secs(t0), {{"tokens", vocab.size()}}};
        store.mark_done("vocab", vocab_in, {join_path(vocab_dir, "vocab.txt")}, out.result,
                        out.wall_s);
        return out;
      },
      on_stage));

  const std::string model_dir = join_path(o.out, "init-model");
  const nlohmann::json init_in = {{"layers", s.layers},
                                  {"hidden", s.hidden},
                                  {"heads", s.heads},
                                  {"intermediate", s.intermediate},
                                  {"max_position", s.max_position},
                                  {"seed", o.seed},
                                  {"vocab", fingerprint(join_path(vocab_dir, "vocab.txt"))}};
  res.setup.push_back(setup_stage(
      store, "init", init_in,
      [&] {
        const auto t0 = Clock::now();
        io::InitFolderOptions io_opts;
        io::BertConfig& c = io_opts.init.config;
        c.num_hidden_layers = s.layers;
        c.hidden_size = s.hidden;
        c.num_attention_heads = s.heads;
        c.intermediate_size = s.intermediate;
        c.max_position_embeddings = s.max_position;
        c.id2label = data::synthetic_labels();
        io_opts.init.seed = o.seed;
        io_opts.vocab_file = join_path(vocab_dir, "vocab.txt");
        io_opts.overwrite = true;
        const auto r = io::init_model_folder(model_dir, io_opts);
        StageOutcome out{"init",
                         false,
                         secs(t0),
                         {{"parameters", r.parameters}, {"vocab_size", r.config.vocab_size}}};
        store.mark_done("init", init_in, {model_dir}, out.result, out.wall_s);
        return out;
      },
      on_stage));

  res.pipeline = run_pipeline(p, on_stage);
  return res;
}

}  // namespace bertq::pipeline
