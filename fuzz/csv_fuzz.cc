// fuzz-libs: data core
// Fuzzes the CSV reader on arbitrary bytes: the first byte picks the delimiter, the skip /
// error policy and <br /> cleaning; the rest is the document. Only bertq::Error may escape
// the reader; any other exception or crash is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "data/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bertq::data;
  static const bool quiet = (bertq::set_log_level(bertq::LogLevel::OFF), true);  // skip warnings
  (void)quiet;
  if (size == 0) return 0;
  ReadOptions o;
  const uint8_t flags = data[0];
  o.delimiter = (flags & 1) ? '\t' : ',';
  o.on_bad_row = (flags & 2) ? ReadOptions::OnBadRow::SKIP : ReadOptions::OnBadRow::ERROR;
  o.clean_html_breaks = (flags & 4) != 0;
  o.max_text_bytes = (flags & 8) ? 16 : 1 << 16;
  if (flags & 16) o.label_column = "label";
  std::string doc(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    auto r = read_csv_buffer(std::move(doc), o, "fuzz.csv");
    Example ex;
    size_t n = 0;
    while (r->next(ex)) {
      if (ex.text.size() > o.max_text_bytes) __builtin_trap();  // the limit must hold
      ++n;
    }
    (void)r->bad_rows();
    (void)r->describe();
  } catch (const bertq::Error&) {
  }
  return 0;
}
