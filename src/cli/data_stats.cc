// `bertq data stats DATA [--tokenizer DIR] [--json]`: counts per split and label and length
// statistics of a dataset spec (see data/dataset.h). Token lengths need the tokenizer
// (text module); they are what Tokenizer::encode_batch returns without truncation.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/data_commands.h"
#include "cli/data_flags.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "data/dataset.h"
#include "data/stats.h"
#include "text/tokenizer.h"

namespace bertq::cli {
namespace {

struct StatsOptions {
  std::string data, tokenizer, delimiter;
  bool json = false;
  data::ReadOptions read;
};

data::TokenCounter make_token_counter(const std::string& dir) {
  if (dir.empty()) return {};
  auto tok = std::make_shared<text::Tokenizer>(text::Tokenizer::from_folder(dir));
  return [tok](const std::vector<std::string>& texts) {
    const auto enc = tok->encode_batch(texts, text::EncodeOptions{}, default_num_threads());
    std::vector<size_t> n;
    n.reserve(enc.size());
    for (const auto& e : enc) n.push_back(e.ids.size());
    return n;
  };
}

void run(const StatsOptions& o) {
  data::ReadOptions read = o.read;
  if (!o.delimiter.empty()) {
    check(o.delimiter.size() == 1 || o.delimiter == "\\t" || o.delimiter == "tab",
          ErrorCode::INVALID_ARGUMENT, "--delimiter: expected one character, got ", o.delimiter);
    read.delimiter = o.delimiter.size() == 1 ? o.delimiter[0] : '\t';
  }
  const data::TokenCounter counter = make_token_counter(o.tokenizer);
  auto reader = data::open_dataset(o.data, read);
  const data::DatasetStats s = data::compute_stats(*reader, counter);
  if (o.json) {
    std::printf("%s\n", data::stats_to_json(s).dump(2).c_str());
  } else {
    std::printf("%s", data::format_stats(s).c_str());
  }
}

Command reg("data", 30, [](CLI::App& app) {
  auto* data_cmd = app.add_subcommand("data", "Inspect and split datasets");
  data_cmd->require_subcommand(1);
  add_data_split(data_cmd);
  auto o = std::make_shared<StatsOptions>();
  auto* cmd = data_cmd->add_subcommand(
      "stats", "Counts per split and label, length histograms in characters and tokens");
  cmd->add_option("DATA", o->data,
                  "imdb, imdb:train, imdb:test, a .jsonl[.gz]/.csv/.tsv file, an aclImdb folder "
                  "or tarball, or PATH:SPLIT")
      ->required();
  cmd->add_option("--tokenizer", o->tokenizer,
                  "Model folder with vocab.txt / tokenizer.json for "
                  "token lengths");
  cmd->add_flag("--json", o->json, "Print one JSON document on stdout");
  auto* g = cmd->add_option_group("Reading");
  g->add_option("--text-column", o->read.text_column,
                "CSV/TSV text column (name or 0-based index)");
  g->add_option("--label-column", o->read.label_column, "CSV/TSV label column");
  g->add_option("--text-field", o->read.text_field, "JSON Lines text field")->capture_default_str();
  g->add_option("--label-field", o->read.label_field, "JSON Lines label field")
      ->capture_default_str();
  g->add_option("--delimiter", o->delimiter, "CSV delimiter (default: by extension; tab for .tsv)");
  add_on_bad_row(
      g, [o](data::ReadOptions::OnBadRow v) { o->read.on_bad_row = v; }, "Reading");
  g->add_flag("--clean-html", o->read.clean_html_breaks, "Replace <br /> with newlines");
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace bertq::cli
