// Vocabulary loading (see vocab.h).
#include "text/vocab.h"

#include "core/error.h"
#include "core/file_util.h"
#include "core/utf8.h"

namespace bertq::text {

Vocab Vocab::from_tokens(std::vector<std::string> tokens, const std::string& what) {
  check(!tokens.empty(), ErrorCode::CORRUPT_FILE, what, ": empty vocabulary");
  check(tokens.size() < (1u << 31), ErrorCode::CORRUPT_FILE, what, ": too many tokens");
  Vocab v;
  v.tokens_ = std::move(tokens);
  for (size_t i = 0; i < v.tokens_.size(); ++i)
    v.map_.insert(v.tokens_[i], static_cast<int32_t>(i));
  return v;
}

Vocab Vocab::from_file(const std::string& path) {
  const std::string data = read_file(path);
  std::vector<std::string> tokens;
  size_t pos = 0, line = 1;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string_view tok(data.data() + pos, nl - pos);
    if (!tok.empty() && tok.back() == '\r') tok.remove_suffix(1);
    try {
      validate_utf8(tok, cat(path, ": line ", line));
    } catch (const Error& e) {
      throw Error(ErrorCode::CORRUPT_FILE, e.what());
    }
    tokens.emplace_back(tok);
    pos = nl + 1;
    ++line;
  }
  return from_tokens(std::move(tokens), path);
}

Vocab Vocab::from_pairs(const std::vector<std::pair<std::string, int64_t>>& pairs,
                        const std::string& what) {
  std::vector<std::string> tokens(pairs.size());
  std::vector<bool> seen(pairs.size(), false);
  for (const auto& [tok, id] : pairs) {
    if (id < 0 || id >= static_cast<int64_t>(pairs.size()) || seen[static_cast<size_t>(id)]) {
      throw Error(ErrorCode::CORRUPT_FILE,
                  cat(what, ": token \"", tok, "\" has id ", id, "; ids must be 0..",
                      pairs.size() - 1, ", each used once"));
    }
    seen[static_cast<size_t>(id)] = true;
    tokens[static_cast<size_t>(id)] = tok;
  }
  return from_tokens(std::move(tokens), what);
}

std::string Vocab::to_text() const {
  std::string out;
  for (const auto& t : tokens_) {
    check(t.find('\n') == std::string::npos, ErrorCode::UNSUPPORTED,
          "vocab.txt cannot hold token \"", t, "\" (it contains a newline)");
    out += t;
    out += '\n';
  }
  return out;
}

}  // namespace bertq::text
