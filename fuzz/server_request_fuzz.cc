// fuzz-libs: server core
// Fuzz target for the server's request bodies: the bytes after the first go to the route the
// first byte picks (POST /v1/classify, the Hugging Face route POST /, or the KServe v2 infer
// route, whose bodies may carry binary tensors after a JSON header), through the same
// parsing and validation the server runs (server/api_json.h), under limits the first byte also
// varies. Parsing must not throw: every bad body is an ApiError with a 4xx status, whose
// error_body() is valid JSON; an accepted request obeys the limits, and its response body
// (built from fake results, as the server would) is valid JSON with one entry per text.
//   scripts/fuzz.sh server_request_fuzz 600
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "server/api_json.h"
#include "server/kserve_v2.h"

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
    if (item.recipe.max_length < 2 || item.recipe.max_length > limits.max_length) bug();
  }
  if (r.top_k && *r.top_k < 1) bug();
  // What the server answers for an accepted request, with two labels per result.
  const std::vector<std::string> labels = {"NEGATIVE", "POSITIVE"};
  std::vector<ClassifyResult> results;
  for (size_t i = 0; i < r.items.size(); ++i) {
    const float p = float(i % 7) / 7.0f;
    results.push_back({int(i % 2), labels[i % 2], i % 2 ? p : 1 - p, {1 - p, p}, i, {-p, p}});
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
    limits.max_length = limits.defaults.max_length = 2 + (mode >> 2);
  }
  if (mode & 0x80) {  // KServe v2: a JSON header of the length the next byte says, then binary
    const size_t header =
        body.empty() ? 0 : std::min(body.size() - 1, size_t(uint8_t(body[0])) * 4);
    const std::string_view rest = body.empty() ? body : body.substr(1);
    const V2Parsed v = parse_v2_infer(rest, (mode & 1) ? std::to_string(header) : "", limits);
    if (v.error) {
      if (v.error->status < 400 || v.error->status > 499) bug();
      check_json(v2_error_body(*v.error));
      return 0;
    }
    check_accepted(v.request.classify, limits);
    std::vector<ClassifyResult> results(v.request.classify.items.size());
    for (auto& r : results) r = {1, "POSITIVE", 0.5f, {0.5f, 0.5f}, 3, {0.0f, 0.0f}};
    const V2Answer a = v2_infer_response(v.request, results, "m", 2);
    check_json(a.body.substr(0, a.json_size.value_or(a.body.size())));
    return 0;
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
