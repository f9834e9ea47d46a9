// `bertq data split DATA --validation 0.1 --seed S --train-out A.jsonl --validation-out B.jsonl`:
// the stratified split `bertq train --validation-split F --seed S` makes in memory
// (data::stratified_split over the labels in their model order), written as two JSON Lines
// files ({"id", "text", "label"[, "text_pair"]}, atomically) so a later stage can train on the
// same reviews and hold out the same validation set, and a reader can rerun a result from the
// data alone. Labels are mapped as the model maps them (--labels, default the dataset's own
// order; IMDB: neg, pos as NEGATIVE, POSITIVE), which fixes the split for a seed.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/data_commands.h"
#include "core/error.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "data/label_map.h"

namespace bertq::cli {
namespace {

struct SplitOptions {
  std::string data, train_out, validation_out;
  std::vector<std::string> labels;
  double validation = 0.1;
  uint64_t seed = 0;
};

std::string to_jsonl(const data::Dataset& ds) {
  std::string out;
  for (const data::Example& ex : ds.examples) {
    nlohmann::ordered_json j = {{"id", ex.id}, {"text", ex.text}, {"label", ex.label_name}};
    if (!ex.text_pair.empty()) j["text_pair"] = ex.text_pair;
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict) + "\n";
  }
  return out;
}

void run(const SplitOptions& o) {
  check(o.validation > 0 && o.validation < 1, ErrorCode::INVALID_ARGUMENT,
        "--validation: must be in (0, 1), got ", o.validation);
  check(o.train_out != o.validation_out, ErrorCode::INVALID_ARGUMENT,
        "--train-out and --validation-out are the same file");
  data::Dataset ds = data::load_dataset(o.data);
  if (!o.labels.empty()) data::map_labels(ds, o.labels);
  for (const auto& ex : ds.examples)
    check(ex.label >= 0, ErrorCode::INVALID_ARGUMENT, o.data, ": example ", ex.id,
          " has no label: a stratified split needs labelled data");
  const auto [train, val] = data::stratified_split(ds, o.validation, o.seed);
  write_file_atomic(o.train_out, to_jsonl(train));
  write_file_atomic(o.validation_out, to_jsonl(val));
  std::printf("%s: %zu examples -> %s (%zu), %s (%zu), seed %llu\n", o.data.c_str(),
              ds.examples.size(), o.train_out.c_str(), train.examples.size(),
              o.validation_out.c_str(), val.examples.size(),
              static_cast<unsigned long long>(o.seed));
}

}  // namespace

void add_data_split(CLI::App* data_cmd) {
  auto o = std::make_shared<SplitOptions>();
  auto* cmd = data_cmd->add_subcommand(
      "split", "Stratified train / validation split (as bertq train --validation-split) to files");
  cmd->add_option("DATA", o->data, "Dataset spec: imdb:train, FILE.jsonl[.gz], FILE.csv, ...")
      ->required();
  cmd->add_option("--validation", o->validation, "Fraction held out for validation")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "The split's seed (bertq train's --seed)")
      ->capture_default_str();
  cmd->add_option("--labels", o->labels,
                  "Label names in the model's order (default: the dataset's own order)");
  cmd->add_option("--train-out", o->train_out, "JSON Lines file of the training part")->required();
  cmd->add_option("--validation-out", o->validation_out, "JSON Lines file of the validation part")
      ->required();
  cmd->callback([o] { run(*o); });
}

}  // namespace bertq::cli
