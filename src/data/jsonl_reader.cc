// JSON Lines parsing with nlohmann::json, one line at a time. Each malformed line (bad JSON,
// not an object, missing text field, wrong field type) is reported as "file:line: reason".
#include "data/jsonl_reader.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "data/line_source.h"
#include "data/text_clean.h"

namespace bertq::data {
namespace {

using nlohmann::json;

class JsonlReader : public DatasetReader {
 public:
  JsonlReader(std::unique_ptr<LineSource> src, const ReadOptions& o)
      : DatasetReader(o), src_(std::move(src)) {
    const std::string& p = src_->name();
    const std::string base = p.substr(p.find_last_of('/') + 1);
    split_ = base.substr(0, base.find('.'));
  }

  bool next(Example& ex) override {
    while (src_->next(line_)) {
      if (trim(line_).empty()) continue;
      const std::string where = cat(src_->name(), ":", src_->line_number());
      if (line_.size() > options_.max_text_bytes * 2 + 4096) {
        reject_row(where, cat("line of ", line_.size(), " bytes is too long"));
        continue;
      }
      json j;
      try {
        j = json::parse(line_);
      } catch (const json::exception& e) {
        reject_row(where, cat("invalid JSON: ", e.what()));
        continue;
      }
      std::string reason;
      ex = Example{};
      ex.id = where;
      ex.split = split_;
      if (!fill(j, ex, reason)) {
        reject_row(where, reason);
        continue;
      }
      set_label_from_name(ex);
      if (!finish_example(ex)) continue;
      return true;
    }
    return false;
  }

  std::string describe() const override { return cat("JSON Lines file ", src_->name()); }
  double progress() const override { return src_->progress(); }

 private:
  bool fill(const json& j, Example& ex, std::string& reason) const {
    if (!j.is_object()) {
      reason = cat("expected a JSON object, got ", j.type_name());
      return false;
    }
    const auto t = j.find(options_.text_field);
    if (t == j.end()) {
      reason = cat("missing field \"", options_.text_field, "\"");
      return false;
    }
    if (!t->is_string()) {
      reason = cat("field \"", options_.text_field, "\" must be a string, got ", t->type_name());
      return false;
    }
    ex.text = t->get<std::string>();
    if (!options_.text_pair_field.empty()) {
      const auto p = j.find(options_.text_pair_field);
      if (p == j.end() || !p->is_string()) {
        reason = cat("field \"", options_.text_pair_field, "\" must be a string, got ",
                     p == j.end() ? "nothing" : p->type_name());
        return false;
      }
      ex.text_pair = p->get<std::string>();
    }
    const auto l = j.find(options_.label_field);
    if (l == j.end() || l->is_null()) return true;
    if (l->is_number_integer()) {
      ex.label_name = std::to_string(l->get<int64_t>());
      if (l->get<int64_t>() < -1 || l->get<int64_t>() > 1000000) {
        reason = cat("label ", ex.label_name, " is out of range");
        return false;
      }
    } else if (l->is_string()) {
      ex.label_name = std::string(trim(l->get<std::string>()));
    } else if (l->is_boolean()) {
      ex.label_name = l->get<bool>() ? "1" : "0";
    } else {
      reason = cat("field \"", options_.label_field, "\" must be an integer or a string, got ",
                   l->type_name());
      return false;
    }
    return true;
  }

  std::unique_ptr<LineSource> src_;
  std::string split_, line_;
};

}  // namespace

std::unique_ptr<DatasetReader> open_jsonl(const std::string& path, const ReadOptions& options) {
  return std::make_unique<JsonlReader>(LineSource::from_file(path), options);
}

std::unique_ptr<DatasetReader> read_jsonl_buffer(std::string data, const ReadOptions& options,
                                                 std::string name) {
  return std::make_unique<JsonlReader>(LineSource::from_buffer(std::move(data), std::move(name)),
                                       options);
}

}  // namespace bertq::data
