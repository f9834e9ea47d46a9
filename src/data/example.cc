// Shared reader behaviour: bad-row policy and the common text checks.
#include "data/example.h"

#include <charconv>

#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"
#include "data/text_clean.h"

namespace bertq::data {

void DatasetReader::reject_row(const std::string& where, const std::string& reason) {
  if (options_.on_bad_row == ReadOptions::OnBadRow::ERROR) {
    throw Error(ErrorCode::CORRUPT_FILE,
                cat(where, ": ", reason, " (use --on-bad-row skip to skip malformed rows)"));
  }
  ++bad_rows_;
  if (bad_rows_ <= 5) log_warn(cat("skipping malformed row ", where, ": ", reason));
}

bool DatasetReader::finish_example(Example& ex) {
  for (std::string* t : {&ex.text, &ex.text_pair}) {
    if (t->size() > options_.max_text_bytes) {
      reject_row(ex.id, cat("text of ", t->size(), " bytes exceeds the limit of ",
                            options_.max_text_bytes, " bytes"));
      return false;
    }
    if (!is_valid_utf8(*t)) {
      reject_row(ex.id, "text is not valid UTF-8");
      return false;
    }
    if (options_.clean_html_breaks) *t = clean_html_breaks(*t);
  }
  return true;
}

void set_label_from_name(Example& ex) {
  ex.label = -1;
  if (ex.label_name.empty() || ex.label_name == "-1") {
    ex.label_name.clear();
    return;
  }
  int v = -1;
  const char* b = ex.label_name.data();
  const char* e = b + ex.label_name.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc() && p == e && v >= 0) ex.label = v;
}

ReadOptions::OnBadRow parse_on_bad_row(std::string_view name) {
  if (name == "error") return ReadOptions::OnBadRow::ERROR;
  if (name == "skip") return ReadOptions::OnBadRow::SKIP;
  throw Error(ErrorCode::INVALID_ARGUMENT,
              cat("--on-bad-row: expected error or skip, got '", name, "'"));
}

}  // namespace bertq::data
