// trim_offsets of Hugging Face's RobertaProcessing and ByteLevel post-processors
// (tokenizers' byte_level::process_offsets): a token whose string starts with n characters
// that are 'Ġ' (U+0120, the byte-level space) or whitespace has its start moved right by n
// characters of the text (at most to its end); n trailing ones move its end left by n
// characters (at most to its start; not at all when fewer than n characters precede it).
// Exception: with add_prefix_space, the first token of a sequence (index 0, or starting at
// offset 0) keeps a single leading space, which the pre-tokenizer added.
// Characters, not bytes: HF's Python binding (what transformers' offset_mapping shows) trims
// character offsets. Rust's byte-offset encode() adds the same counts to byte offsets, which
// can land inside a character (" <mask>" after U+3000, the prefix "Ġ" before "é"); bertq
// gives the byte offsets of the characters Python reports.
// The string of a model token is its vocabulary entry; for an added token it is the text it
// matched, with any whitespace lstrip / rstrip absorbed (" <mask>" -> start + 1).
//
//   uint32_t s = bertq::text::edge_spaces("Ġhello");           // leading 1, trailing 0
//   bertq::text::trim_offsets(text, &s, &offsets[0], 1, false);  // [5, 11) -> [6, 11)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace bertq::text {

// leading count << 16 | trailing count (each at most 0xFFFF) of token's 'Ġ' / whitespace
// characters.
uint32_t edge_spaces(std::string_view token);

// Trims offsets[0, n) of one sequence, byte offsets into `text`, token i having edge_spaces
// spaces[i].
void trim_offsets(std::string_view text, const uint32_t* spaces,
                  std::pair<uint32_t, uint32_t>* offsets, size_t n, bool add_prefix_space);

}  // namespace bertq::text
