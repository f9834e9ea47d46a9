// JSON wire format (see api_json.h). Parsing is strict for /v1/classify (unknown fields are a
// 422, so typos do not pass silently) and lenient for the Hugging Face route, which ignores
// "options" and unknown parameters as the Inference API does.
#include "server/api_json.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/utf8.h"

namespace bertq::server {
namespace {

using nlohmann::json;

ParsedRequest fail(int status, const char* code, std::string message) {
  ParsedRequest p;
  p.error = ApiError{status, code, std::move(message)};
  return p;
}

const char* type_name(const json& v) {
  return v.type_name();
}

}  // namespace

// Parses the body into a JSON object, or an error.
std::optional<ApiError> parse_json_object(std::string_view body, const Limits& limits, json& out) {
  if (body.size() > limits.max_body_bytes) {
    return ApiError{413, "body_too_large",
                    cat("request body of ", body.size(), " bytes exceeds the limit of ",
                        limits.max_body_bytes, " bytes per request body")};
  }
  if (body.empty())
    return ApiError{400, "invalid_json", "empty request body: expected a JSON object"};
  try {
    out = json::parse(body.begin(), body.end());
  } catch (const json::parse_error& e) {
    const std::string what = e.what();
    if (what.find("UTF-8") != std::string::npos || what.find("surrogate") != std::string::npos) {
      // e.byte is 1-based and points at the byte where the sequence broke; the message does
      // not quote the text (its bytes are not valid UTF-8).
      return ApiError{400, "invalid_utf8",
                      cat("request body is not valid UTF-8 (or has a lone surrogate escape) at "
                          "byte offset ",
                          e.byte > 0 ? e.byte - 1 : 0)};
    }
    return ApiError{400, "invalid_json", cat("malformed JSON at byte ", e.byte, ": ", what)};
  } catch (const json::exception& e) {
    // Well-formed JSON the parser still refuses: a number beyond double's range (out_of_range
    // 406, e.g. 1e999), found by server_request_fuzz; it used to escape as a 500.
    return ApiError{400, "invalid_json", cat("unreadable JSON: ", e.what())};
  }
  if (!out.is_object()) {
    return ApiError{422, "invalid_type",
                    cat("request body: expected a JSON object, got ", type_name(out))};
  }
  return std::nullopt;
}

std::optional<ApiError> add_text_string(std::string s, const std::string& where,
                                        const Limits& limits, ClassifyRequest& req) {
  if (s.empty()) return ApiError{422, "empty_input", cat(where, ": empty text")};
  if (s.size() > limits.max_text_bytes) {
    return ApiError{413, "text_too_long",
                    cat(where, ": ", s.size(), " bytes exceeds the limit of ",
                        limits.max_text_bytes, " bytes per text")};
  }
  if (const size_t bad = first_invalid_utf8(s); bad != std::string::npos)
    return ApiError{400, "invalid_utf8", cat(where, ": not valid UTF-8 at byte offset ", bad)};
  req.items.push_back({std::move(s), limits.defaults});
  return std::nullopt;
}

std::optional<ApiError> check_text_count(size_t n, const std::string& field, const Limits& limits) {
  if (n == 0) return ApiError{422, "empty_input", cat(field, ": empty array")};
  if (n > limits.max_texts) {
    return ApiError{
        413, "too_many_texts",
        cat(field, ": ", n, " texts exceeds the limit of ", limits.max_texts, " per request")};
  }
  return std::nullopt;
}

namespace {

// One text (string field `where`) checked against the limits and appended to the request.
std::optional<ApiError> add_text(const json& v, const std::string& where, const Limits& limits,
                                 ClassifyRequest& req) {
  if (!v.is_string())
    return ApiError{422, "invalid_type", cat(where, ": expected a string, got ", type_name(v))};
  return add_text_string(v.get<std::string>(), where, limits, req);
}

// A string or a list of strings under `field`.
std::optional<ApiError> add_inputs(const json& v, const std::string& field, bool allow_string,
                                   const Limits& limits, ClassifyRequest& req) {
  if (allow_string && v.is_string()) {
    req.single = true;
    return add_text(v, field, limits, req);
  }
  if (!v.is_array()) {
    return ApiError{422, "invalid_type",
                    cat(field, ": expected ", allow_string ? "a string or " : "",
                        "an array of strings, got ", type_name(v))};
  }
  if (auto e = check_text_count(v.size(), field, limits)) return e;
  for (size_t i = 0; i < v.size(); ++i) {
    if (auto e = add_text(v[i], cat(field, "[", i, "]"), limits, req)) return e;
  }
  return std::nullopt;
}

}  // namespace

// max_length / truncation, applied to every item.
std::optional<ApiError> apply_request_options(const json& obj, const std::string& prefix,
                                              const Limits& limits, ClassifyRequest& req) {
  if (auto it = obj.find("max_length"); it != obj.end()) {
    if (!it->is_number_integer()) {
      return ApiError{422, "invalid_type",
                      cat(prefix, "max_length: expected an integer, got ", type_name(*it))};
    }
    const long long n = it->get<long long>();
    if (n < 2 || n > limits.max_length) {
      return ApiError{422, "invalid_request",
                      cat(prefix, "max_length ", n, ": must be in [2, ", limits.max_length, "]")};
    }
    for (auto& item : req.items) item.recipe.max_length = int(n);
  }
  if (auto it = obj.find("truncation"); it != obj.end()) {
    if (!it->is_string()) {
      return ApiError{422, "invalid_type",
                      cat(prefix, "truncation: expected a string, got ", type_name(*it))};
    }
    const std::string& name = it->get_ref<const std::string&>();
    const std::optional<text::Truncation> t = text::find_truncation(name);
    if (!t)
      return ApiError{422, "invalid_request", prefix + text::unknown_truncation_message(name)};
    for (auto& item : req.items) item.recipe.truncation = *t;
  }
  return std::nullopt;
}

namespace {

json round_score(float v) {
  return json(double(v));
}

}  // namespace

ParsedRequest parse_classify_request(std::string_view body, const Limits& limits) {
  json obj;
  if (auto e = parse_json_object(body, limits, obj)) return {{}, e};
  for (const auto& [key, value] : obj.items()) {
    if (key != "text" && key != "texts" && key != "max_length" && key != "truncation" &&
        key != "return_probs") {
      return fail(422, "invalid_request",
                  cat("unknown field \"", key,
                      "\": expected text or texts, and optionally max_length, truncation, "
                      "return_probs"));
    }
  }
  const bool has_text = obj.contains("text"), has_texts = obj.contains("texts");
  if (has_text == has_texts) {
    return fail(422, "invalid_request",
                has_text ? "give either \"text\" or \"texts\", not both"
                         : "missing field: give \"text\" (a string) or \"texts\" (an array)");
  }
  ParsedRequest p;
  if (has_text) {
    p.request.single = true;
    if (auto e = add_text(obj["text"], "text", limits, p.request)) return {{}, e};
  } else if (auto e = add_inputs(obj["texts"], "texts", false, limits, p.request)) {
    return {{}, e};
  }
  if (auto e = apply_request_options(obj, "", limits, p.request)) return {{}, e};
  if (auto it = obj.find("return_probs"); it != obj.end()) {
    if (!it->is_boolean()) {
      return fail(422, "invalid_type",
                  cat("return_probs: expected a boolean, got ", type_name(*it)));
    }
    p.request.return_probs = it->get<bool>();
  }
  return p;
}

ParsedRequest parse_hf_request(std::string_view body, const Limits& limits) {
  json obj;
  if (auto e = parse_json_object(body, limits, obj)) return {{}, e};
  auto in = obj.find("inputs");
  if (in == obj.end()) return fail(422, "invalid_request", "missing field \"inputs\"");
  ParsedRequest p;
  if (auto e = add_inputs(*in, "inputs", true, limits, p.request)) return {{}, e};
  if (auto par = obj.find("parameters"); par != obj.end() && !par->is_null()) {
    if (!par->is_object()) {
      return fail(422, "invalid_type",
                  cat("parameters: expected an object, got ", type_name(*par)));
    }
    if (auto e = apply_request_options(*par, "parameters.", limits, p.request)) return {{}, e};
    if (auto k = par->find("top_k"); k != par->end()) {
      if (k->is_null()) {
        p.request.top_k_all = true;
      } else if (!k->is_number_integer() || k->get<long long>() < 1) {
        return fail(422, "invalid_type", "parameters.top_k: expected a positive integer or null");
      } else {
        p.request.top_k = int(std::min<long long>(k->get<long long>(), 1 << 20));
      }
    }
    if (auto f = par->find("function_to_apply"); f != par->end()) {
      if (!f->is_string() ||
          (f->get<std::string>() != "softmax" && f->get<std::string>() != "default")) {
        return fail(422, "invalid_request",
                    "parameters.function_to_apply: only \"softmax\" (the default) is supported");
      }
    }
  }
  return p;
}

std::string classify_response(const ClassifyRequest& request,
                              const std::vector<ClassifyResult>& results) {
  json arr = json::array();
  for (const ClassifyResult& r : results) {
    json o = {{"label", r.label}, {"label_id", r.label_id}, {"score", round_score(r.score)}};
    if (request.return_probs) {
      json probs = json::array();
      for (float v : r.probs) probs.push_back(round_score(v));
      o["probs"] = std::move(probs);
    }
    arr.push_back(std::move(o));
  }
  return json{{"results", std::move(arr)}}.dump();
}

std::string hf_response(const ClassifyRequest& request, const std::vector<ClassifyResult>& results,
                        const std::vector<std::string>& labels) {
  const bool listed = request.top_k.has_value() || request.top_k_all;
  json out = json::array();
  for (const ClassifyResult& r : results) {
    if (!listed) {
      out.push_back({{"label", r.label}, {"score", round_score(r.score)}});
      continue;
    }
    // Labels by descending probability (ties: lower id first), top_k of them.
    std::vector<size_t> order(r.probs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return r.probs[a] > r.probs[b]; });
    const size_t k =
        request.top_k_all ? order.size() : std::min(order.size(), size_t(*request.top_k));
    json list = json::array();
    for (size_t i = 0; i < k; ++i) {
      const size_t id = order[i];
      list.push_back({{"label", id < labels.size() ? labels[id] : std::to_string(id)},
                      {"score", round_score(r.probs[id])}});
    }
    out.push_back(std::move(list));
  }
  // A single string answers one flat list: [{label, score}] or its top_k labels.
  if (request.single) return (listed ? out[0] : out).dump();
  return out.dump();
}

std::string error_body(const ApiError& error) {
  return json{{"error", {{"code", error.code}, {"message", error.message}}}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace bertq::server
