// The BPE kind of tokenizer.json (RoBERTa, GPT-2: byte-level BPE).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "text/tokenizer_impl.h"

namespace bertq::text {

// Fills m (vocab, model, unk_token, added tokens, post-processor, special token names) from a
// tokenizer.json document whose model.type is "BPE"; `vocab` is its model.vocab as
// parse_tokenizer_document lifted it. Error(UNSUPPORTED) naming the field for what bertq does
// not implement, Error(CORRUPT_FILE) for a malformed document.
void load_bpe_tokenizer(Tokenizer::Impl& m, const nlohmann::json& doc,
                        const std::vector<std::pair<std::string, int64_t>>& vocab,
                        const std::string& path);

}  // namespace bertq::text
