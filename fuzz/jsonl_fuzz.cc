// fuzz-libs: data core
// Fuzzes the JSON Lines reader on arbitrary bytes: the first byte picks the bad-row policy,
// <br /> cleaning and a text-pair field; the rest is the document. Only bertq::Error may
// escape; every example returned must carry valid UTF-8 text within the size limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"
#include "data/jsonl_reader.h"
#include "data/text_clean.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bertq::data;
  static const bool quiet = (bertq::set_log_level(bertq::LogLevel::OFF), true);  // skip warnings
  (void)quiet;
  if (size == 0) return 0;
  ReadOptions o;
  const uint8_t flags = data[0];
  o.on_bad_row = (flags & 1) ? ReadOptions::OnBadRow::SKIP : ReadOptions::OnBadRow::ERROR;
  o.clean_html_breaks = (flags & 2) != 0;
  if (flags & 4) o.text_pair_field = "pair";
  o.max_text_bytes = (flags & 8) ? 16 : 1 << 16;
  std::string doc(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    auto r = read_jsonl_buffer(std::move(doc), o, "fuzz.jsonl");
    Example ex;
    while (r->next(ex)) {
      if (ex.text.size() > o.max_text_bytes || !bertq::is_valid_utf8(ex.text)) __builtin_trap();
      if (ex.label < -1) __builtin_trap();
    }
  } catch (const bertq::Error&) {
  }
  return 0;
}
