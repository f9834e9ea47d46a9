// The Open Inference Protocol (KServe v2, REST) for a text classifier: what KServe, Triton's
// clients (tritonclient.http) and Seldon send and expect. No I/O here (server.cc routes it).
//
//   GET  /v2                         server metadata {"name", "version", "extensions"}
//   GET  /v2/health/live, /ready     200 (ready: 503 until the model is warmed up)
//   GET  /v2/models/{m}[/ready]      model metadata / readiness
//   POST /v2/models/{m}/infer        one BYTES input of N texts (shape [N] or [N, 1]) ->
//        outputs "label" (BYTES [N]), "label_id" (INT64 [N]), "score" (FP32 [N]),
//        "probabilities" and "logits" (FP32 [N, labels]); all of them unless "outputs" names
//        some. Optional "parameters": {"max_length", "truncation"} as on /v1/classify.
// The binary tensor data extension (Triton's, tritonclient's default) both ways: a request body
// of a JSON header of Inference-Header-Content-Length bytes followed by the binary inputs
// (BYTES elements as a 4-byte little-endian length and the bytes), and binary outputs when an
// output asks "parameters": {"binary_data": true} or the request "binary_data_output": true
// (FP32 / INT64 little-endian; the answer's JSON length in Inference-Header-Content-Length).
// Errors are the protocol's {"error": "message"} with the status of api_json.h's rules.
//
//   V2Parsed p = parse_v2_infer(body, request.header("inference-header-content-length"), limits);
//   if (p.error) reply(p.error->status, v2_error_body(*p.error));
//   else { results = run(p.request.classify.items); auto a = v2_infer_response(p.request, ...); }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_json.h"

namespace bertq::server {

// Output names in the order they are answered.
inline const char* const kV2Outputs[] = {"label", "label_id", "score", "probabilities", "logits"};

struct V2Output {
  std::string name;
  bool binary = false;
};

struct V2InferRequest {
  std::string id;                 // echoed when given
  std::string input_name;         // the BYTES input's name
  ClassifyRequest classify;       // its texts, with the request's options
  std::vector<V2Output> outputs;  // what to answer, in order
};

struct V2Parsed {
  V2InferRequest request;
  std::optional<ApiError> error;
};

// `header_length`: the Inference-Header-Content-Length header ("" when absent: all JSON).
V2Parsed parse_v2_infer(std::string_view body, std::string_view header_length,
                        const Limits& limits);

struct V2Answer {
  std::string body;
  std::string content_type;         // application/json, or application/octet-stream with binary
  std::optional<size_t> json_size;  // Inference-Header-Content-Length when binary follows
};

V2Answer v2_infer_response(const V2InferRequest& request,
                           const std::vector<ClassifyResult>& results,
                           const std::string& model_name, size_t num_labels);
std::string v2_model_metadata(const std::string& model_name, size_t num_labels);
std::string v2_server_metadata(const std::string& version);
std::string v2_error_body(const ApiError& error);

}  // namespace bertq::server
