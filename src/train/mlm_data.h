// Text for masked-LM pre-training: the texts of one or more dataset specs (labels ignored),
// tokenized whole and cut into sequences ("packed per text").
//
// Packing: each text's WordPiece ids (no truncation) are cut into consecutive windows of
// max_length - 2 tokens, each becoming [CLS] window [SEP]; the last window of a text keeps
// what is left (at least `min_tokens` content tokens, else it is dropped, unless it is the
// whole text). Windows never cross texts, so no sequence mixes two reviews and nothing is
// thrown away by truncation (an IMDB review of ~300 tokens gives 2-3 sequences at 128).
//
//   auto corpus = train::load_mlm_corpus({"imdb:unsup", "imdb:train"}, tok, 128, 8, 0, 1, pool);
//   corpus.sequences[i]  // int32 ids, [CLS] ... [SEP]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "text/tokenizer.h"

namespace bertq::train {

struct MlmCorpus {
  std::vector<std::vector<int32_t>> sequences;
  std::vector<int> lengths;  // sequences[i].size()
  size_t texts = 0;
  uint64_t tokens = 0;  // content tokens (no [CLS] / [SEP])
  size_t bad_rows = 0;
  size_t size() const { return sequences.size(); }
};

// Cuts one text's content ids (no specials) into sequences (see above) and appends them.
void pack_text(const std::vector<int32_t>& content, int max_length, int min_tokens, int32_t cls,
               int32_t sep, MlmCorpus& out);

// Reads every spec (data::load_dataset; `limit` > 0 keeps that many texts of each, chosen by
// `seed`), tokenizes without truncation and packs. Throws INVALID_ARGUMENT when nothing is left.
MlmCorpus load_mlm_corpus(const std::vector<std::string>& specs, const text::Tokenizer& tok,
                          int max_length, int min_tokens, size_t limit, uint64_t seed,
                          bool skip_bad_rows, ThreadPool& pool);

}  // namespace bertq::train
