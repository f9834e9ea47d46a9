// Truncation of token sequences to a length budget (the tokens left after the special
// tokens), and overflow windows.
//   HEAD           keep the first `budget` tokens (HF's default, direction right)
//   TAIL           keep the last `budget` tokens
//   HEAD_TAIL      keep the first min(head_tokens, budget) and fill the rest from the end
//                  (Sun et al. 2019: 128 + 382 for max_length 512 with [CLS] and [SEP])
//   LONGEST_FIRST  for pairs, HF's rule: the shorter sequence keeps min(len, budget / 2),
//                  the longer one the rest; each keeps its head. For one sequence: HEAD.
// Overflow windows (single sequences, HEAD or TAIL): windows of `budget` tokens whose starts
// are budget - stride apart, from the start (HEAD) or from the end (TAIL), until a window
// reaches the other end; the first window is the encoding, the others its overflow.
//
//   auto keep = bertq::text::truncate_single(600, 510, Truncation::HEAD_TAIL, 128);
//   // keep.head == 128, keep.tail == 382
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bertq::text {

enum class Truncation { HEAD, TAIL, HEAD_TAIL, LONGEST_FIRST };

// "head", "tail", "head+tail" (also "head_tail"), "longest_first"; anything else is an
// Error(INVALID_ARGUMENT) listing the choices (find_truncation: nullopt, for callers that
// answer with their own error, e.g. the server's 422 with unknown_truncation_message).
Truncation parse_truncation(std::string_view name);
std::optional<Truncation> find_truncation(std::string_view name);
std::string unknown_truncation_message(std::string_view name);
std::string_view truncation_name(Truncation t);

// Which tokens of a sequence of n to keep: the first `head` and the last `tail`
// (head + tail <= n; both cover everything when n <= budget).
struct KeepRange {
  size_t head = 0, tail = 0;
};
KeepRange truncate_single(size_t n, size_t budget, Truncation strategy, int head_tokens);

// Lengths to keep for a pair (n1, n2) under HF's longest-first rule.
std::pair<size_t, size_t> longest_first_lengths(size_t n1, size_t n2, size_t budget);

// The overflow windows [begin, end) over n tokens (see above); the first is the main window.
// Throws Error(INVALID_ARGUMENT) when stride >= budget.
std::vector<std::pair<size_t, size_t>> overflow_windows(size_t n, size_t budget, size_t stride,
                                                        bool from_end);

}  // namespace bertq::text
