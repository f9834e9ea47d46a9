// Reading Hugging Face tokenizer.json documents: the JSON helpers every tokenizer kind's loader
// uses (fields as typed values with errors naming the file and field), and the parts that are
// the same for every kind (post-processor templates, added tokens). Not a public header: used
// by tokenizer_io.cc and the loaders of each kind (bpe_tokenizer.cc, unigram_tokenizer.cc).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "text/tokenizer_impl.h"

namespace bertq::text {

// The JSON document in `path`, or Error(CORRUPT_FILE) naming it. `callback`, when given,
// filters the document as nlohmann's parser reads it.
nlohmann::json parse_json_file(const std::string& path,
                               const nlohmann::json::parser_callback_t& callback = nullptr);

// tokenizer.json with its model.vocab entries (30k for BERT) taken out into `vocab` as they are
// read, leaving model.vocab an empty object in the document: a std::map node per token in
// nlohmann's document was most of a model's start-up time (`bertq predict`). Entries in file
// order; a value that is not an integer is Error(CORRUPT_FILE) naming it. A model.vocab that is
// an array (Unigram's [piece, score] pairs) stays in the document.
nlohmann::json parse_tokenizer_document(const std::string& path,
                                        std::vector<std::pair<std::string, int64_t>>* vocab);

// Error(UNSUPPORTED) "PATH: FIELD: WHAT".
[[noreturn]] void unsupported(const std::string& path, const std::string& field,
                              const std::string& what);

// A field's value as T, or Error(CORRUPT_FILE) naming it.
template <typename T>
T get_field(const nlohmann::json& obj, const std::string& key, const std::string& path,
            const std::string& field) {
  try {
    return obj.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(path, ": ", field, ": ", e.what()));
  }
}

// The same, or `fallback` when obj has no such key or it is null.
template <typename T>
T get_or(const nlohmann::json& obj, const std::string& key, T fallback, const std::string& path,
         const std::string& field) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return fallback;
  return get_field<T>(obj, key, path, field);
}

// A *_token entry of tokenizer_config.json / special_tokens_map.json: a string or
// {"content": ...}; `fallback` when absent or null; CORRUPT_FILE naming `path` and `key` else.
std::string token_name(const nlohmann::json& cfg, const std::string& key,
                       const std::string& fallback, const std::string& path);

// post_processor: null, TemplateProcessing, BertProcessing, RobertaProcessing (as the
// template "<s> $A </s>" / "<s> $A </s> </s> $B </s>", every type id 0, with its trim_offsets
// and add_prefix_space, default true, in m.post) or, for m.kind BPE, ByteLevel (no special
// tokens, trim_offsets only). Sets m.post and, from the template, m.cls_token and
// m.sep_token. Anything else is Error(UNSUPPORTED) naming the field.
void parse_post_processor(Tokenizer::Impl& m, const nlohmann::json& p, const std::string& path);

// added_tokens: each entry must name a token of m.vocab (with that id); adds it to m.added and
// takes <pad> / [PAD] and <mask> / [MASK] as the pad and mask tokens. lstrip and rstrip are
// implemented (added_tokens.h); normalized true only without a normalizer (!m.bert_normalizer,
// so the caller parses the normalizer first); single_word true is Error(UNSUPPORTED) naming it.
void parse_added_tokens(Tokenizer::Impl& m, const nlohmann::json& added, const std::string& path);

}  // namespace bertq::text
