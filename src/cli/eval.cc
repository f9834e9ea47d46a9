// `bertq eval --model DIR --data DATA`: accuracy, per-class precision / recall / F1, macro-F1,
// confusion matrix and mean loss of a model on a labelled dataset (truncated or as averaged
// sliding windows); --predictions writes one JSON object per example; --json prints one JSON
// document with every figure on stdout. Logic lives in eval/evaluator.h. Tokenization: an
// option wins, else the model's config.json "bertq" block, else 512 / head / 128; the report
// records the values and where each came from ("tokenization" in --json).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/engine_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "data/dataset.h"
#include "eval/evaluator.h"

namespace bertq::cli {
namespace {

struct EvalArgs {
  std::string model, data, long_text = "truncate", predictions;
  EngineFlags engine;
  TokenizationFlags tokenization;
  int stride = 128, batch_size = 8;
  size_t limit = 0;
  uint64_t seed = 0;
  bool json = false;
};

void run_eval(const EvalArgs& a) {
  install_interrupt_handlers();
  const data::Dataset ds = data::load_dataset(a.data, {}, a.limit, a.seed);
  const engine::Classifier clf(a.model, a.engine.options());
  const engine::TokenizationSettings ts =
      engine::resolve_tokenization(clf.config(), a.tokenization.given());
  eval::EvalOptions o;
  o.recipe = ts.recipe;
  o.long_text = eval::parse_long_text(a.long_text);
  o.stride = a.stride;
  o.batch_size = a.batch_size;
  const eval::EvalResult r = eval::evaluate(clf, ds, o);
  if (!a.predictions.empty()) eval::write_predictions_jsonl(a.predictions, r);
  if (a.json) {
    nlohmann::json j = r.to_json();
    j["model"] = a.model;
    j["data"] = a.data;
    j["tokenization"] = ts.to_json();
    if (!a.predictions.empty()) j["predictions_file"] = a.predictions;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("model %s on %s\ntokenization: %s\n\n%s", a.model.c_str(), a.data.c_str(),
                ts.describe().c_str(), r.to_markdown().c_str());
    if (!a.predictions.empty()) std::printf("predictions: %s\n", a.predictions.c_str());
  }
}

Command reg("eval", 50, [](CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* cmd =
      app.add_subcommand("eval", "Accuracy, P/R/F1, confusion matrix and loss on a dataset");
  add_model_option(cmd, "--model", a->model, "Model")->required()->group("Model");
  a->engine.add(cmd, "Model");
  cmd->add_option("--data", a->data, "Dataset spec: imdb:test, FILE.jsonl[.gz], FILE.csv, ...")
      ->required()
      ->group("Data");
  cmd->add_option("--limit", a->limit, "Evaluate a stratified subset of N examples (0 = all)")
      ->group("Data");
  cmd->add_option("--seed", a->seed, "Seed of the --limit subset")->group("Data");
  a->tokenization.add(cmd, "Long texts");
  cmd->add_option("--long-text", a->long_text,
                  "truncate, or window: whole text as overlapping windows, logits averaged")
      ->capture_default_str()
      ->group("Long texts");
  cmd->add_option("--stride", a->stride, "window: tokens shared by consecutive windows")
      ->capture_default_str()
      ->group("Long texts");
  cmd->add_option("--batch-size", a->batch_size, "Sequences per forward pass")
      ->capture_default_str()
      ->group("Long texts");
  cmd->add_option("--predictions", a->predictions, "Write per-example predictions (JSON Lines)")
      ->group("Output");
  cmd->add_flag("--json", a->json, "Print one JSON document with every figure")->group("Output");
  cmd->callback([a] { run_eval(*a); });
});

}  // namespace
}  // namespace bertq::cli
