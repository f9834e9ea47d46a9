// Loading and packing pre-training text (see mlm_data.h).
#include "train/mlm_data.h"

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "data/dataset.h"

namespace bertq::train {

void pack_text(const std::vector<int32_t>& content, int max_length, int min_tokens, int32_t cls,
               int32_t sep, MlmCorpus& out) {
  const size_t window = static_cast<size_t>(max_length - 2);
  for (size_t b = 0; b < content.size(); b += window) {
    const size_t e = std::min(content.size(), b + window);
    if (b > 0 && e - b < static_cast<size_t>(min_tokens)) break;  // a short tail of a long text
    std::vector<int32_t> seq;
    seq.reserve(e - b + 2);
    seq.push_back(cls);
    seq.insert(seq.end(), content.begin() + static_cast<std::ptrdiff_t>(b),
               content.begin() + static_cast<std::ptrdiff_t>(e));
    seq.push_back(sep);
    out.tokens += e - b;
    out.lengths.push_back(static_cast<int>(seq.size()));
    out.sequences.push_back(std::move(seq));
  }
}

MlmCorpus load_mlm_corpus(const std::vector<std::string>& specs, const text::Tokenizer& tok,
                          int max_length, int min_tokens, size_t limit, uint64_t seed,
                          bool skip_bad_rows, ThreadPool& pool) {
  check(!specs.empty(), ErrorCode::INVALID_ARGUMENT, "--data: at least one dataset is required");
  check(max_length > 2, ErrorCode::INVALID_ARGUMENT,
        "--max-length: must be > 2 ([CLS] and [SEP] included), got ", max_length);
  text::EncodeOptions eo;
  eo.max_length = 0;  // whole texts: packing cuts them
  eo.add_special_tokens = false;
  eo.replace_invalid_utf8 = skip_bad_rows;
  MlmCorpus out;
  for (const auto& spec : specs) {
    data::ReadOptions ro;
    ro.on_bad_row =
        skip_bad_rows ? data::ReadOptions::OnBadRow::SKIP : data::ReadOptions::OnBadRow::ERROR;
    data::Dataset ds = data::load_dataset(spec, ro, limit, seed);
    if (ds.bad_rows > 0) log_warn(cat(spec, ": skipped ", ds.bad_rows, " malformed rows"));
    out.bad_rows += ds.bad_rows;
    std::vector<std::string> texts;
    texts.reserve(ds.examples.size());
    for (auto& ex : ds.examples) texts.push_back(std::move(ex.text));
    ds.examples.clear();
    // In slices, so the encodings of 50k reviews never sit in memory all at once.
    const size_t slice = 4096;
    for (size_t i = 0; i < texts.size(); i += slice) {
      std::vector<std::string> part(
          texts.begin() + static_cast<std::ptrdiff_t>(i),
          texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), i + slice)));
      for (const auto& enc : tok.encode_batch(part, eo, pool)) {
        if (!enc.ids.empty())
          pack_text(enc.ids, max_length, min_tokens, tok.cls_id(), tok.sep_id(), out);
      }
    }
    out.texts += texts.size();
    log_info(cat(spec, ": ", texts.size(), " texts"));
  }
  check(!out.sequences.empty(), ErrorCode::INVALID_ARGUMENT, "--data: no text to pre-train on in ",
        specs.front(), specs.size() > 1 ? " ..." : "");
  return out;
}

}  // namespace bertq::train
