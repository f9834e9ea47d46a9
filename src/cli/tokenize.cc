// `bertq tokenize`: encodes texts with a BERT tokenizer and writes one JSON object per input
// line to stdout: {"ids": [...]} (+ "tokens", "offsets" on request). Input lines come from a
// file (plain or gzip) or stdin, as plain text or JSON Lines (the --text-field of each object;
// --format auto decides per line: a line that parses as a JSON object is one). Lines are
// encoded in parallel in chunks; output order follows the input.
//
//   bertq tokenize --tokenizer ../shared/data/bert-base-uncased --input reviews.jsonl.gz
//       --max-length 512 --truncation head+tail --tokens
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/line_reader.h"
#include "core/thread_pool.h"
#include "core/utf8.h"
#include "text/tokenizer.h"

namespace bertq::cli {
namespace {

struct TokenizeOptions {
  std::string tokenizer, input = "-", text_field = "text", format = "auto", truncation = "head";
  int max_length = 0, head_tokens = 128, threads = 0;
  bool tokens = false, offsets = false, no_special = false, replace_invalid = false;
};

// The text of one input line, or false for a line to skip (blank lines in jsonl mode).
bool line_text(const TokenizeOptions& o, const std::string& where, std::string& line,
               std::string& out) {
  size_t p = line.find_first_not_of(" \t\r");
  const bool looks_json = p != std::string::npos && line[p] == '{';
  if (o.format == "jsonl" || (o.format == "auto" && looks_json)) {
    if (o.format == "jsonl" && p == std::string::npos) return false;
    nlohmann::json j;
    std::string why = "not a JSON object";
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      why = cat("invalid JSON: ", e.what());
    }
    if (!j.is_object()) {
      check(o.format == "auto", ErrorCode::INVALID_ARGUMENT, where, ": ", why);
      out = std::move(line);  // auto: a plain line that happens to start with '{'
      return true;
    }
    const auto it = j.find(o.text_field);
    check(it != j.end() && it->is_string(), ErrorCode::INVALID_ARGUMENT, where,
          ": no string field \"", o.text_field, "\"");
    out = it->get<std::string>();
    return true;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!o.replace_invalid) validate_utf8(line, where);
  out = std::move(line);
  return true;
}

void write_encodings(const TokenizeOptions& o, const text::Tokenizer& tok,
                     const std::vector<text::Encoding>& encs) {
  std::string buf;
  for (const auto& e : encs) {
    buf += "{\"ids\": [";
    for (size_t i = 0; i < e.ids.size(); ++i) {
      if (i) buf += ", ";
      buf += std::to_string(e.ids[i]);
    }
    buf += ']';
    if (o.tokens)
      buf += ", \"tokens\": " + nlohmann::json(tok.tokens(e.ids))
                                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (o.offsets) buf += ", \"offsets\": " + nlohmann::json(e.offsets).dump();
    buf += "}\n";
  }
  check(std::fwrite(buf.data(), 1, buf.size(), stdout) == buf.size(), ErrorCode::IO,
        "stdout: write failed");
}

void run(const TokenizeOptions& o) {
  check(o.format == "auto" || o.format == "lines" || o.format == "jsonl",
        ErrorCode::INVALID_ARGUMENT, "--format ", o.format, ": expected auto, lines or jsonl");
  const text::Tokenizer tok = text::Tokenizer::from_path(o.tokenizer);
  text::EncodeOptions eo;
  eo.max_length = o.max_length;
  eo.truncation = text::parse_truncation(o.truncation);
  eo.head_tokens = o.head_tokens;
  eo.add_special_tokens = !o.no_special;
  eo.return_offsets = o.offsets;
  eo.replace_invalid_utf8 = o.replace_invalid;
  ThreadPool pool(o.threads > 0 ? o.threads : default_num_threads());
  LineReader reader(o.input);
  const std::string name = o.input == "-" ? "stdin" : o.input;
  std::vector<std::string> texts;
  std::vector<uint64_t> line_numbers;
  auto flush = [&] {
    if (texts.empty()) return;
    std::vector<text::Encoding> encs;
    try {
      encs = tok.encode_batch(texts, eo, pool);
    } catch (const Error& e) {
      // encode_batch names "text i"; turn that into the input line.
      const std::string msg = e.what();
      size_t i = 0;
      if (msg.rfind("text ", 0) == 0) i = std::stoul(msg.substr(5));
      rethrow_with_context(e, cat(name, ": line ", i < line_numbers.size() ? line_numbers[i] : 0));
    }
    write_encodings(o, tok, encs);
    texts.clear();
    line_numbers.clear();
  };
  std::string line, text;
  while (reader.next(line)) {
    const std::string where = cat(name, ": line ", reader.line_number());
    if (!line_text(o, where, line, text)) continue;
    texts.push_back(std::move(text));
    line_numbers.push_back(reader.line_number());
    if (texts.size() >= 2048) flush();
  }
  flush();
  std::fflush(stdout);
}

Command reg("tokenize", 10, [](CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand(
      "tokenize", "Tokenize texts (plain lines or JSON Lines) to token ids as JSON Lines");
  cmd->add_option("--tokenizer", o->tokenizer,
                  "Tokenizer folder (tokenizer.json or vocab.txt), tokenizer.json or vocab.txt")
      ->required()
      ->group("Tokenizer");
  cmd->add_option("--max-length", o->max_length,
                  "Truncate to N tokens including [CLS]/[SEP] (0: no truncation)")
      ->check(CLI::NonNegativeNumber)
      ->group("Truncation");
  cmd->add_option("--truncation", o->truncation, "head, tail, head+tail or longest_first")
      ->capture_default_str()
      ->group("Truncation");
  cmd->add_option("--head-tokens", o->head_tokens, "head+tail: content tokens kept from the start")
      ->capture_default_str()
      ->group("Truncation");
  cmd->add_option("--input", o->input, "Input file, plain or .gz ('-' = stdin)")
      ->capture_default_str()
      ->group("Input");
  cmd->add_option("--format", o->format, "auto, lines or jsonl")
      ->capture_default_str()
      ->group("Input");
  cmd->add_option("--text-field", o->text_field, "JSON Lines: the field holding the text")
      ->capture_default_str()
      ->group("Input");
  cmd->add_flag("--replace-invalid-utf8", o->replace_invalid,
                "Replace invalid UTF-8 with U+FFFD instead of failing")
      ->group("Input");
  cmd->add_flag("--tokens", o->tokens, "Also write the token strings")->group("Output");
  cmd->add_flag("--offsets", o->offsets, "Also write byte offsets [begin, end) into each text")
      ->group("Output");
  cmd->add_flag("--no-special-tokens", o->no_special, "Do not add [CLS]/[SEP]")->group("Output");
  cmd->add_option("--threads", o->threads, "Threads (0: all)")
      ->capture_default_str()
      ->group("Performance");
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace bertq::cli
