// A read-only hash map from byte strings to token ids, built once and probed with
// string_views without allocating: open addressing with linear probing, a power-of-two
// table at most half full, keys stored back to back in one arena. Inserting a key twice
// keeps the later id (as HF's vocab HashMap does for duplicate vocab.txt lines).
//
//   bertq::text::StringIdMap m;
//   m.insert("hello", 7592);
//   m.find("hello") == 7592;  m.find("nope") == -1;
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::text {

// Reads n (1..8) bytes as a little-endian word without calling memcpy for a variable size:
// two overlapping fixed-size loads. Only the first n bytes matter.
inline uint64_t load_upto8(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (uint64_t(b) << 32);
  }
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return u[0] | (uint64_t(u[n / 2]) << 8) | (uint64_t(u[n - 1]) << 16);
}

// 64-bit hash of n bytes (multiply-xorshift over 8-byte words; the tail through
// load_upto8, which depends on n as well as the bytes).
inline uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t(n) * 0xFF51AFD7ED558CCDull);
  while (n > 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    h = (h ^ load_upto8(p, n)) * 0x94D049BB133111EBull;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
}

// a[0, n) == b[0, n), inlined for the short keys of a vocabulary.
inline bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n <= 8)
    return n == 0 ||
           (n >= 4 ? (std::memcmp(a, b, 4) == 0 && std::memcmp(a + n - 4, b + n - 4, 4) == 0)
                   : (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]));
  if (n <= 16) {
    return std::memcmp(a, b, 8) == 0 && std::memcmp(a + n - 8, b + n - 8, 8) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

class StringIdMap {
 public:
  void insert(std::string_view key, int32_t id);
  // The id of key, or -1.
  int32_t find(const char* p, size_t n) const {
    if (slots_.empty()) return -1;
    const uint64_t h = hash_bytes(p, n);
    const auto tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.key < 0) return -1;
      if (s.tag == tag) {
        const Key& k = keys_[static_cast<size_t>(s.key)];
        if (k.len == n && bytes_equal(arena_.data() + k.offset, p, n)) return k.id;
      }
    }
  }
  int32_t find(std::string_view key) const { return find(key.data(), key.size()); }
  size_t size() const { return keys_.size(); }
  // Length in bytes of the longest key.
  size_t max_key_length() const { return max_len_; }

 private:
  // 8-byte slots keep the probed table small (512 KiB for BERT's 30,522 tokens): a miss,
  // the common case while WordPiece shortens a candidate, touches only the slot array.
  struct Slot {
    uint32_t tag = 0;  // high 32 bits of the hash
    int32_t key = -1;  // index into keys_, -1 = empty
  };
  struct Key {
    uint32_t offset, len;
    int32_t id;
  };
  void grow();

  std::vector<Slot> slots_;
  std::vector<Key> keys_;
  std::string arena_;
  size_t mask_ = 0, max_len_ = 0;
};

}  // namespace bertq::text
