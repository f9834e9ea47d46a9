// fuzz-libs: server core
// Fuzz target for the server's request bodies: the bytes after the first go to the route the
// first byte picks (POST /v1/classify or the Hugging Face route POST /), through the same
// parsing and validation the server runs (server/api_json.h), under limits the first byte also
// varies. Parsing must not throw: every bad body is an ApiError with a 4xx status, whose
// error_body() is valid JSON; an accepted request obeys the limits, and its response body
// (built from fake results, as the server would) is valid JSON with one entry per text.
//   scripts/fuzz.sh server_request_fuzz 600
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "server/api_json.h"

namespace {

using namespace bertq::server;
using bertq::fuzz::bug;

void check_json(const std::string& body) {
  if (!nlohmann::json::accept(body)) bug();
}

void check_accepted(const ClassifyRequest& r, const Limits& limits) {
  if (r.items.empty() || r.items.size() > limits.max_texts) bug();
  if (r.single && r.items.size() != 1) bug();
  for (const ClassifyItem& item : r.items) {
    if (item.text.empty() || item.text.size() > limits.max_text_bytes) bug();
    if (item.max_length < 2 || item.max_length > limits.max_length) bug();
  }
  if (r.top_k && *r.top_k < 1) bug();
  // What the server answers for an accepted request, with two labels per result.
  const std::vector<std::string> labels = {"NEGATIVE", "POSITIVE"};
  std::vector<ClassifyResult> results;
  for (size_t i = 0; i < r.items.size(); ++i) {
    const float p = float(i % 7) / 7.0f;
    results.push_back({int(i % 2), labels[i % 2], i % 2 ? p : 1 - p, {1 - p, p}, i});
  }
  const std::string classify = classify_response(r, results);
  const std::string hf = hf_response(r, results, labels);
  check_json(classify);
  check_json(hf);
  if (nlohmann::json::parse(classify)["results"].size() != r.items.size()) bug();
  const auto hf_json = nlohmann::json::parse(hf);
  if (!hf_json.is_array() || (!r.single && hf_json.size() != r.items.size())) bug();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  Limits limits;
  if (mode & 2) {  // small limits, so mutations reach the 413s
    limits.max_body_bytes = 64 + (mode >> 4) * 16;
    limits.max_texts = 1 + (mode >> 5);
    limits.max_text_bytes = 1 + (mode >> 3);
    limits.max_length = limits.default_max_length = 2 + (mode >> 2);
  }
  const ParsedRequest p =
      (mode & 1) ? parse_hf_request(body, limits) : parse_classify_request(body, limits);
  if (p.error) {
    if (p.error->status < 400 || p.error->status > 499 || p.error->code.empty()) bug();
    check_json(error_body(*p.error));
    return 0;
  }
  check_accepted(p.request, limits);
  return 0;
}
