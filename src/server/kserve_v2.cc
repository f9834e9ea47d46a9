// KServe v2 / Open Inference Protocol (see kserve_v2.h).
#include "server/kserve_v2.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace bertq::server {
namespace {

using nlohmann::json;

V2Parsed fail(int status, const char* code, std::string message) {
  V2Parsed p;
  p.error = ApiError{status, code, std::move(message)};
  return p;
}

bool known_output(const std::string& name) {
  for (const char* o : kV2Outputs)
    if (name == o) return true;
  return false;
}

// BYTES elements of the binary extension: [uint32 little-endian length][bytes], repeated.
std::optional<std::vector<std::string>> split_binary_bytes(std::string_view data) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < data.size()) {
    if (data.size() - i < 4) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + i);
    const uint32_t n =
        uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    i += 4;
    if (data.size() - i < n) return std::nullopt;
    out.emplace_back(data.substr(i, n));
    i += n;
  }
  return out;
}

// The flat list of strings of a JSON "data" (nested lists flattened, row-major).
bool flatten_strings(const json& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return true;
  }
  if (!v.is_array()) return false;
  for (const json& e : v)
    if (!flatten_strings(e, out)) return false;
  return true;
}

void append_le(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);  // x86-64 is little-endian
}

}  // namespace

V2Parsed parse_v2_infer(std::string_view body, std::string_view header_length,
                        const Limits& limits) {
  std::string_view json_part = body, binary;
  if (!header_length.empty()) {
    size_t n = 0;
    for (char c : header_length) {
      if (c < '0' || c > '9' || n > body.size())
        return fail(400, "invalid_request",
                    "Inference-Header-Content-Length: expected the JSON header's size in bytes");
      n = n * 10 + size_t(c - '0');
    }
    if (n > body.size())
      return fail(400, "invalid_request",
                  cat("Inference-Header-Content-Length ", n, " exceeds the body's ", body.size(),
                      " bytes"));
    json_part = body.substr(0, n);
    binary = body.substr(n);
  }
  json obj;
  if (auto e = parse_json_object(json_part, limits, obj)) return {{}, e};
  V2Parsed p;
  V2InferRequest& r = p.request;
  if (auto it = obj.find("id"); it != obj.end()) {
    if (!it->is_string()) return fail(422, "invalid_type", "id: expected a string");
    r.id = it->get<std::string>();
  }
  auto inputs = obj.find("inputs");
  if (inputs == obj.end() || !inputs->is_array() || inputs->size() != 1)
    return fail(422, "invalid_request",
                "inputs: expected one input (a BYTES tensor of texts, shape [N] or [N, 1])");
  const json& in = (*inputs)[0];
  if (!in.is_object()) return fail(422, "invalid_type", "inputs[0]: expected an object");
  r.input_name = in.value("name", "");
  if (in.value("datatype", "") != "BYTES")
    return fail(422, "invalid_request",
                cat("inputs[0] (", r.input_name, "): datatype must be BYTES (texts)"));
  auto shape = in.find("shape");
  if (shape == in.end() || !shape->is_array() || shape->empty() || shape->size() > 2)
    return fail(422, "invalid_request", "inputs[0].shape: expected [N] or [N, 1]");
  for (const json& d : *shape)
    if (!d.is_number_integer() || d.get<long long>() < 0)
      return fail(422, "invalid_request", "inputs[0].shape: expected non-negative integers");
  if (shape->size() == 2 && (*shape)[1].get<long long>() != 1)
    return fail(422, "invalid_request", "inputs[0].shape: expected [N] or [N, 1] (one text a row)");
  const long long n = (*shape)[0].get<long long>();

  std::vector<std::string> texts;
  const json params = in.value("parameters", json::object());
  if (params.is_object() && params.contains("binary_data_size")) {
    const json& size = params["binary_data_size"];
    if (!size.is_number_unsigned() || size.get<size_t>() != binary.size())
      return fail(400, "invalid_request",
                  cat("inputs[0].parameters.binary_data_size: expected the ", binary.size(),
                      " bytes after the JSON header"));
    auto split = split_binary_bytes(binary);
    if (!split)
      return fail(400, "invalid_request",
                  "inputs[0]: binary BYTES data must be 4-byte lengths each followed by its bytes");
    texts = std::move(*split);
  } else {
    auto data = in.find("data");
    if (data == in.end() || !flatten_strings(*data, texts))
      return fail(422, "invalid_type", "inputs[0].data: expected a list of strings");
  }
  if (auto e = check_text_count(texts.size(), "inputs[0]", limits)) return {{}, e};
  if (static_cast<long long>(texts.size()) != n)
    return fail(422, "invalid_request",
                cat("inputs[0]: shape says ", n, " texts, data has ", texts.size()));
  for (size_t i = 0; i < texts.size(); ++i)
    if (auto e = add_text_string(std::move(texts[i]), cat("inputs[0].data[", i, "]"), limits,
                                 r.classify))
      return {{}, e};

  bool binary_all = false;
  if (auto par = obj.find("parameters"); par != obj.end() && !par->is_null()) {
    if (!par->is_object()) return fail(422, "invalid_type", "parameters: expected an object");
    binary_all = par->value("binary_data_output", false);
    json options = json::object();  // only the tokenization options; others are ignored
    for (const char* k : {"max_length", "truncation"})
      if (par->contains(k)) options[k] = (*par)[k];
    if (auto e = apply_request_options(options, "parameters.", limits, r.classify)) return {{}, e};
  }
  if (auto outs = obj.find("outputs"); outs != obj.end()) {
    if (!outs->is_array()) return fail(422, "invalid_type", "outputs: expected a list");
    for (const json& o : *outs) {
      const std::string name = o.is_object() ? o.value("name", "") : "";
      if (!known_output(name))
        return fail(400, "invalid_request",
                    cat("outputs: unknown output \"", name,
                        "\" (label, label_id, score, probabilities, logits)"));
      const json op = o.value("parameters", json::object());
      r.outputs.push_back({name, binary_all || (op.is_object() && op.value("binary_data", false))});
    }
  }
  if (r.outputs.empty())
    for (const char* o : kV2Outputs) r.outputs.push_back({o, binary_all});
  return p;
}

V2Answer v2_infer_response(const V2InferRequest& request,
                           const std::vector<ClassifyResult>& results,
                           const std::string& model_name, size_t num_labels) {
  const size_t n = results.size();
  json outs = json::array();
  std::string binary;
  for (const V2Output& o : request.outputs) {
    json entry = {{"name", o.name}};
    std::string raw;  // the binary form
    json data = json::array();
    if (o.name == "label") {
      entry["datatype"] = "BYTES";
      entry["shape"] = {n};
      for (const auto& r : results) {
        const uint32_t len = uint32_t(r.label.size());
        append_le(raw, &len, 4);
        raw += r.label;
        data.push_back(r.label);
      }
    } else if (o.name == "label_id") {
      entry["datatype"] = "INT64";
      entry["shape"] = {n};
      for (const auto& r : results) {
        const int64_t v = r.label_id;
        append_le(raw, &v, 8);
        data.push_back(v);
      }
    } else {
      entry["datatype"] = "FP32";
      const bool per_label = o.name != "score";
      entry["shape"] = per_label ? json{n, num_labels} : json{n};
      for (const auto& r : results) {
        const std::vector<float> values = o.name == "score"           ? std::vector<float>{r.score}
                                          : o.name == "probabilities" ? r.probs
                                                                      : r.logits;
        for (float v : values) {
          append_le(raw, &v, 4);
          data.push_back(v);
        }
      }
    }
    if (o.binary) {
      entry["parameters"] = {{"binary_data_size", raw.size()}};
      binary += raw;
    } else {
      entry["data"] = std::move(data);
    }
    outs.push_back(std::move(entry));
  }
  json doc = {{"model_name", model_name}, {"model_version", "1"}, {"outputs", std::move(outs)}};
  if (!request.id.empty()) doc["id"] = request.id;
  V2Answer a;
  a.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  if (binary.empty() && std::none_of(request.outputs.begin(), request.outputs.end(),
                                     [](const V2Output& o) { return o.binary; })) {
    a.content_type = "application/json";
    return a;
  }
  a.json_size = a.body.size();
  a.body += binary;
  a.content_type = "application/octet-stream";
  return a;
}

std::string v2_model_metadata(const std::string& model_name, size_t num_labels) {
  const long long labels = static_cast<long long>(num_labels);
  json doc = {{"name", model_name},
              {"versions", {"1"}},
              {"platform", "bertq"},
              {"inputs", {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {-1}}}}},
              {"outputs",
               {{{"name", "label"}, {"datatype", "BYTES"}, {"shape", {-1}}},
                {{"name", "label_id"}, {"datatype", "INT64"}, {"shape", {-1}}},
                {{"name", "score"}, {"datatype", "FP32"}, {"shape", {-1}}},
                {{"name", "probabilities"}, {"datatype", "FP32"}, {"shape", {-1, labels}}},
                {{"name", "logits"}, {"datatype", "FP32"}, {"shape", {-1, labels}}}}}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string v2_server_metadata(const std::string& version) {
  return json{{"name", "bertq"}, {"version", version}, {"extensions", {"binary_tensor_data"}}}
      .dump();
}

std::string v2_error_body(const ApiError& error) {
  return json{{"error", error.message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace bertq::server
