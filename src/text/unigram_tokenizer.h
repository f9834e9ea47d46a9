// The Unigram kind of tokenizer (XLM-RoBERTa: SentencePiece Unigram), loaded from tokenizer.json.
//
// Supported files: a folder with tokenizer.json (+ tokenizer_config.json), as
// XLMRobertaTokenizerFast.save_pretrained writes it (and xlm-roberta-base's own file):
//   model          {"type": "Unigram", "vocab": [[piece, score], ...], "unk_id": int,
//                  "byte_fallback": bool}
//   normalizer     null, Precompiled, Strip, Replace {"Regex": " {2,}"}, or a Sequence of
//                  them in that order (each at most once)
//   pre_tokenizer  Metaspace (replacement, prepend_scheme "always" / "first" / "never" or the
//                  older add_prefix_space, split), optionally after WhitespaceSplit in a Sequence
//   post_processor TemplateProcessing / RobertaProcessing / BertProcessing / null
//   decoder        Metaspace or null
// A folder with only sentencepiece.bpe.model (no tokenizer.json) is refused: convert it with
// transformers (XLMRobertaTokenizerFast.from_pretrained(dir).save_pretrained(dir)).
// The model is in unigram_text_model.h.
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
