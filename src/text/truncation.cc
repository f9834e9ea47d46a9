// Truncation rules (see truncation.h).
#include "text/truncation.h"

#include <algorithm>

#include "core/error.h"

namespace bertq::text {

std::optional<Truncation> find_truncation(std::string_view name) {
  if (name == "head") return Truncation::HEAD;
  if (name == "tail") return Truncation::TAIL;
  if (name == "head+tail" || name == "head_tail") return Truncation::HEAD_TAIL;
  if (name == "longest_first") return Truncation::LONGEST_FIRST;
  return std::nullopt;
}

std::string unknown_truncation_message(std::string_view name) {
  return cat("truncation \"", name, "\": expected head, tail, head+tail or longest_first");
}

Truncation parse_truncation(std::string_view name) {
  const std::optional<Truncation> t = find_truncation(name);
  if (!t) throw Error(ErrorCode::INVALID_ARGUMENT, unknown_truncation_message(name));
  return *t;
}

std::string_view truncation_name(Truncation t) {
  switch (t) {
    case Truncation::HEAD:
      return "head";
    case Truncation::TAIL:
      return "tail";
    case Truncation::HEAD_TAIL:
      return "head+tail";
    case Truncation::LONGEST_FIRST:
      return "longest_first";
  }
  return "?";
}

KeepRange truncate_single(size_t n, size_t budget, Truncation strategy, int head_tokens) {
  if (n <= budget) return {n, 0};
  switch (strategy) {
    case Truncation::TAIL:
      return {0, budget};
    case Truncation::HEAD_TAIL: {
      check(head_tokens >= 0, ErrorCode::INVALID_ARGUMENT, "head_tokens must be >= 0, got ",
            head_tokens);
      const size_t head = std::min(static_cast<size_t>(head_tokens), budget);
      return {head, budget - head};
    }
    case Truncation::HEAD:
    case Truncation::LONGEST_FIRST:
      return {budget, 0};
  }
  return {budget, 0};
}

std::pair<size_t, size_t> longest_first_lengths(size_t n1, size_t n2, size_t budget) {
  if (n1 + n2 <= budget) return {n1, n2};
  const bool swap = n1 < n2;  // make n1 the longer one; on a tie the second loses first
  size_t a = swap ? n2 : n1, b = swap ? n1 : n2;
  b = std::min(b, budget / 2);
  a = budget - b;
  return swap ? std::pair{b, a} : std::pair{a, b};
}

std::vector<std::pair<size_t, size_t>> overflow_windows(size_t n, size_t budget, size_t stride,
                                                        bool from_end) {
  check(budget > 0, ErrorCode::INVALID_ARGUMENT,
        "overflow windows need max_length above the number of special tokens");
  check(stride < budget, ErrorCode::INVALID_ARGUMENT, "stride ", stride,
        " must be smaller than the window of ", budget, " tokens");
  std::vector<std::pair<size_t, size_t>> windows;
  const size_t step = budget - stride;
  for (size_t i = 0;; ++i) {
    const size_t skip = i * step;  // tokens skipped from the start (HEAD) or the end (TAIL)
    if (!from_end) {
      windows.emplace_back(skip, std::min(n, skip + budget));
      if (skip + budget >= n) break;
    } else {
      const size_t end = n - skip;
      windows.emplace_back(end > budget ? end - budget : 0, end);
      if (end <= budget) break;
    }
  }
  return windows;
}

}  // namespace bertq::text
