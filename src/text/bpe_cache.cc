// Per-thread BPE word cache (see bpe_cache.h).
#include "text/bpe_cache.h"

#include <array>
#include <atomic>
#include <memory>

#include "text/string_id_map.h"

namespace bertq::text {

BpeCache::BpeCache() : slots_(2 * kMaxEntries) {}

uint64_t BpeCache::new_model_uid() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

BpeCache& BpeCache::of_thread(uint64_t model_uid) {
  struct Held {
    uint64_t uid = 0;
    std::unique_ptr<BpeCache> cache;
  };
  thread_local std::array<Held, kModelsPerThread> held;
  thread_local size_t next_victim = 0;
  for (Held& h : held) {
    if (h.uid == model_uid) return *h.cache;
  }
  Held& h = held[next_victim];
  next_victim = (next_victim + 1) % kModelsPerThread;
  h.uid = model_uid;
  if (h.cache == nullptr) {
    h.cache.reset(new BpeCache());
  } else {
    h.cache->clear();
  }
  return *h.cache;
}

void BpeCache::clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  keys_.clear();
  tokens_.clear();
  entries_ = 0;
}

const BpeToken* BpeCache::find(std::string_view word, uint64_t hash, uint32_t& n) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return nullptr;
    if (s.hash == hash && s.key_len == word.size() &&
        bytes_equal(keys_.data() + s.key_offset, word.data(), word.size())) {
      n = s.num_tokens;
      return tokens_.data() + s.token_offset;
    }
  }
}

void BpeCache::insert(std::string_view word, uint64_t hash, const BpeToken* tokens, size_t n) {
  if (word.size() > kMaxWordBytes || n > kMaxWordBytes) return;
  if (entries_ >= kMaxEntries || tokens_.size() + n > kMaxTokens ||
      keys_.size() + word.size() > kMaxKeyBytes) {
    clear();
  }
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].used) {
    const Slot& s = slots_[i];
    if (s.hash == hash && s.key_len == word.size() &&
        bytes_equal(keys_.data() + s.key_offset, word.data(), word.size())) {
      return;  // already there
    }
    i = (i + 1) & mask;
  }
  Slot& s = slots_[i];
  s.used = true;
  s.hash = hash;
  s.key_offset = static_cast<uint32_t>(keys_.size());
  s.key_len = static_cast<uint8_t>(word.size());
  s.token_offset = static_cast<uint32_t>(tokens_.size());
  s.num_tokens = static_cast<uint8_t>(n);
  keys_.append(word);
  tokens_.insert(tokens_.end(), tokens, tokens + n);
  ++entries_;
}

}  // namespace bertq::text
