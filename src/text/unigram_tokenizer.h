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
// A folder with sentencepiece.bpe.model and no tokenizer.json (XLM-RoBERTa's slow-tokenizer
// files): the tokenizer transformers 4.40's XLMRobertaTokenizerFast builds from it
// (XLMRobertaConverter): the fairseq ids <s>=0 <pad>=1 </s>=2 <unk>=3, SentencePiece pieces
// from id 3 on shifted by one, <mask> last; Precompiled (the model's charsmap), Strip right,
// Replace " {2,}" -> "▁", Metaspace "always"; byte_fallback off (the converter drops it).
// Only model_type UNIGRAM. Two differences for now: <mask> has lstrip false (transformers sets
// true; bertq's added tokens lack lstrip), and save() writes the tokenizer.json built here.
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

// The tokenizer.json document XLMRobertaConverter makes of a SentencePiece model file (see
// above); Error(CORRUPT_FILE) naming the byte offset for a malformed file, Error(UNSUPPORTED)
// for a non-Unigram one.
nlohmann::json sentencepiece_to_tokenizer_json(const std::string& model_path);
// Fills m from it (scores exact, as the converter passes them) and keeps it as m.tokenizer_json.
void load_sentencepiece_tokenizer(Tokenizer::Impl& m, const std::string& model_path);

}  // namespace bertq::text
