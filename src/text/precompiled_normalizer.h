// The Precompiled normalizer of Hugging Face tokenizers (SentencePiece's normalization rules,
// e.g. nmt_nfkc, as XLM-RoBERTa's and T5's tokenizer.json carry them), exact to tokenizers 0.19
// including its alignments.
//
// precompiled_charsmap (base64) = u32 little-endian trie_size, then trie_size bytes of a
// Darts-clone double-array trie (u32 units) whose keys are UTF-8 strings and whose values are
// byte offsets into the rest of the blob: NUL-terminated replacement strings.
// transform(chunk) = the replacement of the SHORTEST key that is a prefix of chunk (the first
// result of Darts' common prefix search, as spm_precompiled returns), or none.
//
// Normalization, per extended grapheme cluster g of the text (UAX #29, utf8proc):
//   if g is shorter than 6 bytes and transform(g) exists: g is replaced by it as a whole;
//   otherwise each character c of g is replaced by transform(c) when that exists.
// A replacement of k characters by m becomes HF's (char, change) list: m chars with change 0,
// the last m - k of them marked 1 (inserted) when m > k, or the LAST entry of the list so far
// (possibly from an earlier grapheme) lowered by k - m when m < k; HF's transform() then
// walks that list over the input characters (aligned_text.h). That last rule moves alignments of
// text after a deleted character, and bertq does the same so that offsets equal HF's.
//
// Fast path: a character that is ASCII, is not CR, is not itself a key, and is followed by ASCII
// or the end is its own one-byte grapheme and stays as it is (no grapheme segmentation, no trie
// walk). Keys that merely start with it (nmt_nfkc has "e" + U+0301 -> "é") cannot match there.
// normalize_reference() has no such path; tests compare the two.
//
//   auto pc = bertq::text::PrecompiledNormalizer::from_base64(b64, "tokenizer.json: ...");
//   std::vector<InputChar> out;  pc.normalize(chars, out);
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "text/aligned_text.h"

namespace bertq::text {

class PrecompiledNormalizer {
 public:
  // Error(CORRUPT_FILE) naming `what` for bad base64, a truncated or inconsistent trie, or a
  // replacement that is not valid UTF-8.
  static PrecompiledNormalizer from_base64(std::string_view b64, const std::string& what);
  static PrecompiledNormalizer from_bytes(std::string_view blob, const std::string& what);

  // Sets out to the replacement for the shortest key that prefixes chunk, if there is one.
  bool transform(std::string_view chunk, std::string_view& out) const;

  // Appends the normalization of chars to out (which keeps what it had).
  void normalize(const std::vector<InputChar>& chars, std::vector<InputChar>& out) const;
  // The same, step by step: graphemes for every character, no ASCII shortcut.
  void normalize_reference(const std::vector<InputChar>& chars, std::vector<InputChar>& out) const;

 private:
  void run(const std::vector<InputChar>& chars, std::vector<InputChar>& out, bool fast) const;

  std::string_view replacement_at(uint32_t off) const;  // up to the next NUL

  std::vector<uint32_t> units_;         // the double array, every reachable edge checked at load
  std::string normalized_;              // NUL-terminated replacements
  std::array<bool, 128> ascii_kept_{};  // ASCII byte that is no key (and is not CR)
};

// Decodes standard base64 (with '=' padding); Error(CORRUPT_FILE) naming `what` and the
// position of the first bad character.
std::string decode_base64(std::string_view b64, const std::string& what);
// Standard base64 with '=' padding.
std::string encode_base64(std::string_view bytes);

}  // namespace bertq::text
