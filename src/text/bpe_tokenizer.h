// The BPE kind of tokenizer (RoBERTa, GPT-2: byte-level BPE), loaded from
//   tokenizer.json   model.type "BPE" with
//                      model: vocab, merges ("a b" strings or [a, b] arrays), unk_token null
//                        or a token, fuse_unk, ignore_merges; dropout must be null,
//                        continuing_subword_prefix / end_of_word_suffix null or "",
//                        byte_fallback false;
//                      normalizer: null;
//                      pre_tokenizer: ByteLevel (add_prefix_space, use_regex; its trim_offsets
//                        only matters as a post-processor);
//                      post_processor: RobertaProcessing (trim_offsets, add_prefix_space),
//                        ByteLevel (trim_offsets), TemplateProcessing, BertProcessing or null;
//                      decoder: ByteLevel;
//                      added_tokens: lstrip / rstrip / normalized as added_tokens.h.
//                    Anything else is Error(UNSUPPORTED) naming the field.
//   vocab.json + merges.txt (no tokenizer.json: what transformers' RobertaTokenizer saves),
//                    with tokenizer_config.json / special_tokens_map.json where present: the
//                    tokenizer RobertaTokenizerFast converts them to (ByteLevel pre-tokenizer,
//                    RobertaProcessing with trim_offsets, add_prefix_space from the config,
//                    default false), special tokens <s> </s> <unk> <pad> <mask> (or the
//                    config's *_token names; each must be in vocab.json), <mask> with lstrip,
//                    or the flags of the config's added_tokens_decoder. merges.txt is read as
//                    transformers reads it: its first line (#version) and its last line (empty
//                    after the final newline) are skipped, each other line is "left right".
//                    An added_tokens.json may only repeat vocab.json's entries.
//                    save() writes the equivalent tokenizer.json.
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

// The same from dir/vocab.json + dir/merges.txt and the folder's tokenizer_config.json (`cfg`,
// an object, {} when absent) and special_tokens_map.json; sets m.tokenizer_json to the
// equivalent tokenizer.json.
void load_bpe_files(Tokenizer::Impl& m, const std::string& dir, const nlohmann::json& cfg);

}  // namespace bertq::text
