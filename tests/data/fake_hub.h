// A fake Hugging Face hub for download tests (tests/data, tests/cli), served by HttpTestServer.
#pragma once

#include <cstddef>
#include <string>

#include "data/sha256.h"
#include "http_test_server.h"

namespace bertq::data::testing {

// n deterministic pseudo-random bytes.
inline std::string blob(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 2654435761u + seed) >> 13);
  return s;
}

// A fake hub: bert-tiny@main with config.json, vocab.txt, tokenizer.json and an LFS
// model.safetensors (302 -> /cdn/..., the sha256 in X-Linked-Etag); tokenizer_config.json
// is absent (404). `corrupt_lfs` serves other bytes than the announced digest; `chunk` makes
// the blob arrive slowly (a download that can be interrupted part-way).
struct FakeHub {
  std::string weights = blob(300000, 1);
  bool corrupt_lfs = false;
  size_t chunk = 0;  // > 0: the LFS blob is sent in pieces of this size, chunk_delay_ms apart
  int chunk_delay_ms = 0;
  HttpResponse operator()(const HttpRequest& r) const {
    const std::string prefix = "/bert-tiny/resolve/main/";
    HttpResponse res;
    if (r.path == prefix + "config.json") {
      res.body = "{\"hidden_size\": 32}";
    } else if (r.path == prefix + "vocab.txt") {
      res.body = "[PAD]\n[UNK]\nhello\n";
    } else if (r.path == prefix + "tokenizer.json") {
      res.body = "{}";
    } else if (r.path == prefix + "model.safetensors") {
      res.status = 302;
      res.headers = {{"Location", "/cdn/blobs/abc"},
                     {"X-Linked-Etag", "\"" + sha256_hex(weights) + "\""},
                     {"X-Linked-Size", std::to_string(weights.size())},
                     {"ETag", "\"0123\""}};
    } else if (r.path == "/cdn/blobs/abc") {
      res.body = weights;
      if (corrupt_lfs) res.body[1000] ^= 0x55;
      res.chunk = chunk;
      res.chunk_delay_ms = chunk_delay_ms;
    } else {
      res.status = 404;
      res.body = "Entry not found";
    }
    return res;
  }
};

}  // namespace bertq::data::testing
