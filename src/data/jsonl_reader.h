// JSON Lines reader: one object per line, plain or gzip, lines split on '\n' only (IMDB texts
// contain U+0085). Fields: options.text_field (string, required), options.label_field
// (integer, string, or null/absent = unlabelled; -1 = unlabelled), options.text_pair_field
// (string, optional). Blank lines are skipped; anything else malformed is a bad row.
//
//   auto r = bertq::data::open_jsonl("../shared/data/imdb/test.jsonl.gz");
//   auto b = bertq::data::read_jsonl_buffer("{\"text\":\"hi\",\"label\":1}\n");
#pragma once

#include <memory>
#include <string>

#include "data/example.h"

namespace bertq::data {

std::unique_ptr<DatasetReader> open_jsonl(const std::string& path, const ReadOptions& options = {});
std::unique_ptr<DatasetReader> read_jsonl_buffer(std::string data, const ReadOptions& options = {},
                                                 std::string name = "<buffer>");

}  // namespace bertq::data
