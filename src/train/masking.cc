// BERT masking (see masking.h): per position u1 < prob chooses it, then u2 picks
// [MASK] (u2 < 0.8), a random id (u2 < 0.9) or the original token.
#include "train/masking.h"

#include <random>

#include "core/error.h"

namespace bertq::train {

namespace {

// SplitMix64 finaliser: decorrelates nearby (seed, epoch, batch) triples.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

Masker::Masker(MaskingOptions o) : o_(std::move(o)) {
  auto need = [](bool ok, const std::string& msg) { check(ok, ErrorCode::INVALID_ARGUMENT, msg); };
  need(o_.prob > 0 && o_.prob < 1, cat("--mlm-prob: must be in (0, 1), got ", o_.prob));
  need(o_.mask_fraction >= 0 && o_.random_fraction >= 0 &&
           o_.mask_fraction + o_.random_fraction <= 1,
       cat("masking: [MASK] fraction ", o_.mask_fraction, " + random fraction ", o_.random_fraction,
           " must be fractions summing to at most 1"));
  need(o_.vocab_size > 0, cat("masking: vocab_size must be > 0, got ", o_.vocab_size));
  need(o_.mask_id >= 0 && o_.mask_id < o_.vocab_size,
       cat("masking: the [MASK] id ", o_.mask_id, " is outside the vocabulary of ", o_.vocab_size));
  special_.assign(static_cast<size_t>(o_.vocab_size), false);
  for (int64_t s : o_.special_ids) {
    need(s >= 0 && s < o_.vocab_size,
         cat("masking: special token id ", s, " is outside the vocabulary of ", o_.vocab_size));
    special_[static_cast<size_t>(s)] = true;
  }
}

int64_t Masker::apply(int64_t* ids, int64_t* labels, const int64_t* mask, int64_t n, uint64_t seed,
                      uint64_t epoch, uint64_t batch) const {
  std::mt19937_64 rng(mix(mix(mix(seed) ^ epoch) ^ batch));
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  const double keep_above = o_.mask_fraction + o_.random_fraction;
  int64_t chosen = 0;
  for (int64_t i = 0; i < n; ++i) {
    // All three draws happen for every position, so the stream never depends on the data.
    // rng() % V has a bias below V / 2^64 (~2e-15): immaterial.
    const double u1 = unif(rng), u2 = unif(rng);
    const int64_t random_id = static_cast<int64_t>(rng() % static_cast<uint64_t>(o_.vocab_size));
    const int64_t id = ids[i];
    const bool maskable =
        mask[i] != 0 && id >= 0 && id < o_.vocab_size && !special_[static_cast<size_t>(id)];
    if (!maskable || u1 >= o_.prob) {
      labels[i] = kIgnoreLabel;
      continue;
    }
    ++chosen;
    labels[i] = id;
    if (u2 < o_.mask_fraction) {
      ids[i] = o_.mask_id;
    } else if (u2 < keep_above) {
      ids[i] = random_id;
    }
  }
  return chosen;
}

}  // namespace bertq::train
