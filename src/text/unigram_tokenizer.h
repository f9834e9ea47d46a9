// The Unigram kind of tokenizer.json (XLM-RoBERTa: SentencePiece Unigram).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "text/tokenizer_impl.h"

namespace bertq::text {

// Fills m (vocab, model, unk_token, added tokens, post-processor, special token names) from a
// tokenizer.json document whose model.type is "Unigram". Error(UNSUPPORTED) naming the field
// for what bertq does not implement, Error(CORRUPT_FILE) for a malformed document.
void load_unigram_tokenizer(Tokenizer::Impl& m, const nlohmann::json& doc, const std::string& path);

}  // namespace bertq::text
