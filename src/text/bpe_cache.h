// A bounded word -> tokens cache for the BPE model, one per thread and model (thread_local:
// no locks, no sharing). Words of at most kMaxWordBytes bytes are cached; when the table holds
// kMaxEntries words, kMaxTokens tokens or kMaxKeyBytes bytes of words it is emptied and
// refilled (memory stays below ~2 MiB per thread and model). A thread keeps the caches of its last
// kModelsPerThread models, found by the model's process-unique id (never reused, so a cache never
// outlives its model's meaning).
//
//   BpeCache& cache = BpeCache::of_thread(model_uid);
//   uint32_t n;  const BpeToken* t = cache.find(word, hash_bytes(word.data(), word.size()), n);
//   if (t == nullptr) { ...tokenize...; cache.insert(word, hash, toks.data(), toks.size()); }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/bpe.h"

namespace bertq::text {

class BpeCache {
 public:
  static constexpr size_t kMaxWordBytes = 48;
  static constexpr size_t kMaxEntries = 1 << 14;
  static constexpr size_t kMaxTokens = 1 << 16;
  static constexpr size_t kMaxKeyBytes = 1 << 19;
  static constexpr size_t kModelsPerThread = 4;

  // This thread's cache for the model with id `model_uid`.
  static BpeCache& of_thread(uint64_t model_uid);
  // A fresh process-unique model id.
  static uint64_t new_model_uid();

  // The cached tokens of word (n of them) or nullptr.
  const BpeToken* find(std::string_view word, uint64_t hash, uint32_t& n) const;
  // Caches word's tokens (ignored for words longer than kMaxWordBytes).
  void insert(std::string_view word, uint64_t hash, const BpeToken* tokens, size_t n);
  size_t size() const { return entries_; }

 private:
  BpeCache();
  void clear();
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_offset = 0, token_offset = 0;
    uint8_t key_len = 0, num_tokens = 0;
    bool used = false;
  };
  std::vector<Slot> slots_;  // 2 * kMaxEntries, linear probing
  std::string keys_;
  std::vector<BpeToken> tokens_;
  size_t entries_ = 0;
};

}  // namespace bertq::text
