// The JSON wire format of the server: request parsing with limits and precise 4xx errors, and
// the response bodies. No I/O here, so every bad-request class is unit-testable.
//
// POST /v1/classify  {"text": "..."} or {"texts": ["...", ...]}, optional "max_length" (int,
//                    2..limits.max_length), "truncation" ("head" | "tail" | "head+tail" |
//                    "longest_first"), "return_probs" (bool)
//   -> {"results": [{"label": "POSITIVE", "label_id": 1, "score": 0.97, "probs": [...]}, ...]}
// POST /             Hugging Face text-classification: {"inputs": "..." | ["...", ...],
//                    "parameters": {"top_k": k | null, "truncation": ..., "max_length": ...}}
//   -> string input: [{"label": "POSITIVE", "score": 0.98}] (top_k labels, default 1)
//   -> list input: one such entry per text: a dict without top_k, a list of dicts with it
// Errors: {"error": {"code": "invalid_json", "message": "..."}} with
//   400 invalid_json / invalid_utf8 (with the byte offset), 413 body_too_large /
//   too_many_texts / text_too_long, 422 invalid_request / invalid_type / empty_input.
//
//   ParsedRequest p = parse_classify_request(body, limits);
//   if (p.error) reply(p.error->status, error_body(*p.error)); else run(p.request);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "server/backend.h"

namespace bertq::server {

struct Limits {
  size_t max_body_bytes = 1 << 20;    // 413 beyond
  size_t max_texts = 256;             // texts per request, 413 beyond
  size_t max_text_bytes = 65536;      // bytes per text, 413 beyond
  int max_length = 512;               // largest max_length a request may ask for
  text::TokenizationRecipe defaults;  // a request's recipe before its own options
};

struct ApiError {
  int status = 400;
  std::string code;  // machine-readable: invalid_json, too_many_texts, ...
  std::string message;
};

struct ClassifyRequest {
  std::vector<ClassifyItem> items;
  bool return_probs = false;
  bool single = false;       // the input was one string, not a list
  std::optional<int> top_k;  // HF route: labels per text; nullopt = top-1 dict
  bool top_k_all = false;    // HF route: "top_k": null = every label
};

struct ParsedRequest {
  ClassifyRequest request;
  std::optional<ApiError> error;
};

ParsedRequest parse_classify_request(std::string_view body, const Limits& limits);
ParsedRequest parse_hf_request(std::string_view body, const Limits& limits);

std::string classify_response(const ClassifyRequest& request,
                              const std::vector<ClassifyResult>& results);
std::string hf_response(const ClassifyRequest& request, const std::vector<ClassifyResult>& results,
                        const std::vector<std::string>& labels);
std::string error_body(const ApiError& error);

// The rules every route applies, one place each (the KServe v2 route, kserve_v2.h, uses them
// too): the body as a JSON object (400 invalid_json / invalid_utf8 with the byte offset, 413);
// one text against the limits (422 empty_input, 413 text_too_long, 400 invalid_utf8), appended
// with the server's recipe; the number of texts (422 empty, 413 too_many_texts); a request's
// "max_length" / "truncation" applied to every item (422, `prefix` names their object).
std::optional<ApiError> parse_json_object(std::string_view body, const Limits& limits,
                                          nlohmann::json& out);
std::optional<ApiError> add_text_string(std::string text, const std::string& where,
                                        const Limits& limits, ClassifyRequest& req);
std::optional<ApiError> check_text_count(size_t n, const std::string& field, const Limits& limits);
std::optional<ApiError> apply_request_options(const nlohmann::json& obj, const std::string& prefix,
                                              const Limits& limits, ClassifyRequest& req);

}  // namespace bertq::server
