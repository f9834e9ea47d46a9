// Stage "data": resolves the model (a folder, the hub cache, or a download) and the dataset
// (a spec: imdb, a folder with train/test splits, or one file split 80/20 by the seed), applies
// the stratified limits and writes
//   RUN/data/train.jsonl, RUN/data/test.jsonl   {"text", "label": NAME, "id"} per line
//   RUN/base/                                   the model: config.json with the dataset's labels
//                                               as id2label, the other files linked
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "data/dataset.h"
#include "data/hub.h"
#include "io/bert_config.h"
#include "pipeline/stages.h"

namespace fs = std::filesystem;

namespace bertq::pipeline {
namespace {

std::string resolve_model_dir(const PipelineOptions& o) {
  if (dir_exists(o.model)) return o.model;
  try {
    return data::resolve_model(o.model);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NOT_FOUND || !o.download) throw;
  }
  log_info(cat("model ", o.model, ": downloading"));
  return data::download_model(o.model);
}

void write_jsonl(const std::string& path, const data::Dataset& ds) {
  std::string body;
  for (const auto& ex : ds.examples) {
    check(ex.label >= 0, ErrorCode::INVALID_ARGUMENT, ds.source, ": example ", ex.id,
          " has no label (the pipeline needs labelled data)");
    body +=
        nlohmann::json{{"text", ex.text}, {"label", ds.labels.names.at(ex.label)}, {"id", ex.id}}
            .dump();
    body += '\n';
  }
  write_file_atomic(path, body);
}

}  // namespace

StageWork run_data_stage(const RunContext& ctx) {
  const PipelineOptions& o = ctx.options;
  const std::string model_dir = resolve_model_dir(o);
  std::string spec = o.data;
  if (spec == "imdb" && data::find_imdb().empty() && o.download) {
    log_info("IMDB: downloading");
    data::download_imdb();
  }
  data::Dataset train, test;
  std::error_code ec;
  if (fs::is_regular_file(spec, ec)) {  // one file: hold out 20% as the test split
    auto [a, b] = data::stratified_split(data::load_dataset(spec), 0.2, o.seed);
    train = std::move(a);
    test = std::move(b);
  } else {
    train = data::load_dataset(spec + ":train");
    test = data::load_dataset(spec + ":test");
  }
  if (o.train_limit > 0) train = data::stratified_limit(train, o.train_limit, o.seed);
  if (o.test_limit > 0) test = data::stratified_limit(test, o.test_limit, o.seed);
  check(!train.examples.empty() && !test.examples.empty(), ErrorCode::INVALID_ARGUMENT, "data ",
        spec, ": the train and test splits must not be empty");
  // One label set for both splits: the train split's (the test labels are mapped into it).
  data::map_labels(test, train.labels.names);

  make_dirs(ctx.path("data"));
  write_jsonl(ctx.path("data/train.jsonl"), train);
  write_jsonl(ctx.path("data/test.jsonl"), test);

  // RUN/base: the model with id2label = the dataset's labels (the classifier head is
  // initialised by the trainer when the checkpoint has none or its size differs).
  const std::string base = ctx.path("base");
  fs::remove_all(base, ec);
  make_dirs(base);
  io::BertConfig cfg = io::BertConfig::load(join_path(model_dir, "config.json"));
  cfg.id2label = train.labels.names;
  cfg.save(join_path(base, "config.json"));
  for (const auto& e : fs::directory_iterator(model_dir)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name == "config.json") continue;
    fs::create_symlink(fs::absolute(e.path()), fs::path(base) / name);
  }
  nlohmann::json result = {{"model_dir", model_dir},
                           {"labels", train.labels.names},
                           {"train_examples", train.examples.size()},
                           {"test_examples", test.examples.size()},
                           {"source", train.source}};
  return {{ctx.path("data"), base}, result};
}

}  // namespace bertq::pipeline
