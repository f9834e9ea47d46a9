// A deterministic fake model for the server tests: label_id = text length parity (1 = odd =
// "POSITIVE"), probs derived from a hash of the text (so results are per-text and any mix-up
// between requests shows), tokens = words + 2. It records every batch size, can sleep per call,
// and fails on demand: a text "__internal__" throws Error(INTERNAL), "__invalid__" throws
// Error(INVALID_ARGUMENT), as a tokenizer would for a bad text.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "server/backend.h"

namespace bertq::server::testing {

// An item with the server's default recipe (Limits::defaults) or the options given.
inline ClassifyItem item(std::string text, int max_length = 512,
                         text::Truncation truncation = text::Truncation::HEAD) {
  ClassifyItem i{std::move(text), {}};
  i.recipe.max_length = max_length;
  i.recipe.truncation = truncation;
  return i;
}

// What the fake answers for one text, independently of batching.
inline ClassifyResult fake_result(const ClassifyItem& item) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over text and options
  for (unsigned char c : item.text) h = (h ^ c) * 1099511628211ull;
  h = (h ^ uint64_t(item.recipe.max_length)) * 1099511628211ull;
  h = (h ^ uint64_t(item.recipe.truncation)) * 1099511628211ull;
  h = (h ^ uint64_t(item.recipe.head_tokens)) * 1099511628211ull;
  ClassifyResult r;
  r.label_id = int(item.text.size() % 2);
  r.label = r.label_id == 1 ? "POSITIVE" : "NEGATIVE";
  const float p = 0.5f + float(h % 1000) / 2001.0f;  // (0.5, 1): the chosen label's prob
  r.probs = r.label_id == 1 ? std::vector<float>{1 - p, p} : std::vector<float>{p, 1 - p};
  r.score = r.probs[r.label_id];
  size_t words = 1;
  for (char c : item.text) words += c == ' ';
  r.tokens = std::min<size_t>(words, size_t(item.recipe.max_length) - 2) + 2;
  return r;
}

class FakeBackend : public Backend {
 public:
  std::vector<ClassifyResult> classify(const std::vector<ClassifyItem>& batch) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch_sizes_.push_back(batch.size());
    }
    calls_.fetch_add(1);
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    std::vector<ClassifyResult> out;
    for (const ClassifyItem& item : batch) {
      if (item.text == "__internal__") throw Error(ErrorCode::INTERNAL, "fake model exploded");
      if (item.text == "__invalid__")
        throw Error(ErrorCode::INVALID_ARGUMENT, "text: invalid UTF-8 at byte 3");
      out.push_back(fake_result(item));
    }
    return out;
  }
  std::vector<std::string> labels() const override { return {"NEGATIVE", "POSITIVE"}; }
  void warm_up(int max_length) override {
    warm_max_length_.store(max_length);
    if (warm_delay_.count() > 0) std::this_thread::sleep_for(warm_delay_);
    warmed_.store(true);
  }

  std::vector<size_t> batch_sizes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }
  size_t max_batch_seen() const {
    size_t m = 0;
    for (size_t s : batch_sizes()) m = std::max(m, s);
    return m;
  }
  int calls() const { return calls_.load(); }

  std::chrono::milliseconds delay_{0}, warm_delay_{0};
  std::atomic<bool> warmed_{false};
  std::atomic<int> warm_max_length_{0};  // what warm_up was asked for

 private:
  mutable std::mutex mu_;
  std::vector<size_t> batch_sizes_;
  std::atomic<int> calls_{0};
};

}  // namespace bertq::server::testing
