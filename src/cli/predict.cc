// `bertq predict`: classifies texts with a model folder and writes one JSON object per text
// (in input order) to stdout:
//   {"label": "POSITIVE", "label_id": 1, "score": 0.97, "logits": [..], "probs": [..]}
// Texts come from the command line or from a JSON Lines file (--input, plain or gzip, "-" for
// stdin; the field --text-field). Files are processed in chunks so output streams.
// Tokenization (max length, truncation, head tokens): an option wins, else the model's
// config.json "bertq" block (how it was trained), else 512 / head / 128
// (engine/tokenization_rule.h); texts run through engine::Classifier::predict, the batched path
// `bertq eval` runs too, so predict and eval see the same tokens.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/engine_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/line_reader.h"
#include "engine/classifier.h"
#include "engine/tokenization_rule.h"

namespace bertq::cli {
namespace {

struct PredictArgs {
  std::string model, input, text_field = "text";
  std::vector<std::string> texts;
  EngineFlags engine;
  TokenizationFlags tokenization;
  int batch_size = 8, chunk = 256;
};

// Shortest decimal that reads back as the same float (keeps the JSON small and exact).
double tidy(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", double(v));
  for (int p = 6; p <= 9; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return std::strtod(buf, nullptr);
}

void print_predictions(const std::vector<engine::Prediction>& preds) {
  for (const engine::Prediction& p : preds) {
    nlohmann::ordered_json j;
    j["label"] = p.label;
    j["label_id"] = p.label_id;
    j["score"] = tidy(p.score);
    j["logits"] = nlohmann::ordered_json::array();
    for (float v : p.logits) j["logits"].push_back(tidy(v));
    j["probs"] = nlohmann::ordered_json::array();
    for (float v : p.probs) j["probs"].push_back(tidy(v));
    std::fputs((j.dump() + "\n").c_str(), stdout);
  }
  std::fflush(stdout);
}

void run_predict(const PredictArgs& a) {
  check(a.texts.empty() != a.input.empty(), ErrorCode::INVALID_ARGUMENT,
        "predict: give texts on the command line or --input FILE.jsonl (one of the two)");
  const engine::Classifier clf(a.model, a.engine.options());
  engine::PredictOptions po;
  po.tokenization = a.tokenization.given();
  po.batch_size = a.batch_size;
  clf.tokenization(po.tokenization);  // a bad option fails now, before any input is read
  auto predict = [&](const std::vector<std::string>& texts) { return clf.predict(texts, po); };
  if (!a.texts.empty()) {
    print_predictions(predict(a.texts));
    return;
  }
  install_interrupt_handlers();
  LineReader reader(a.input);
  std::string line;
  std::vector<std::string> chunk;
  auto flush = [&] {
    print_predictions(predict(chunk));
    chunk.clear();
  };
  while (reader.next(line)) {
    throw_if_interrupted("predict");
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  cat(a.input, ":", reader.line_number(), ": not JSON (", e.what(), ")"));
    }
    check(j.is_object() && j.contains(a.text_field) && j[a.text_field].is_string(),
          ErrorCode::INVALID_ARGUMENT, a.input, ":", reader.line_number(), ": no string field \"",
          a.text_field, "\"");
    chunk.push_back(j[a.text_field].get<std::string>());
    if (int(chunk.size()) >= a.chunk) flush();
  }
  if (!chunk.empty()) flush();
}

Command reg("predict", 45, [](CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  auto* cmd = app.add_subcommand("predict", "Classify texts with a model folder (JSON per line)");
  add_model_option(cmd, "--model", args->model, "Model (config.json, model.safetensors, vocab)")
      ->required()
      ->group("Model");
  args->engine.add(cmd, "Model");
  cmd->add_option("texts", args->texts, "Texts to classify")->group("Input");
  cmd->add_option("--input", args->input, "JSON Lines file (plain/gzip, - for stdin)")
      ->group("Input");
  cmd->add_option("--text-field", args->text_field, "Field holding the text in --input")
      ->group("Input");
  args->tokenization.add(cmd, "Tokenization");
  cmd->add_option("--batch-size", args->batch_size, "Sequences per forward pass")
      ->group("Batching");
  cmd->callback([args] { run_predict(*args); });
});

}  // namespace
}  // namespace bertq::cli
