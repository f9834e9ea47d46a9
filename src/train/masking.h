// BERT masked-LM masking (as transformers' DataCollatorForLanguageModeling), deterministic in
// a seed and free of hidden state, so a resumed run masks every batch exactly as before.
//
// For each position of a batch (ids [B,T], int64, row-major, padded with the pad id):
//   chosen   with probability `prob` (0.15), never for special tokens ([CLS], [SEP], [PAD],
//            and any id in `special_ids`) nor for padding (mask 0);
//   a chosen position's label is its original id; every other label is -100 (ignored);
//   of the chosen: 80% become [MASK], 10% a random id uniform in [0, vocab_size) (as HF,
//   which draws from the whole vocabulary), 10% stay unchanged.
// Random numbers: one std::mt19937_64 per batch seeded by mix(seed, epoch, batch index);
// three draws per position (choose, how, which random id), in row-major order, so the result
// depends on neither the thread count nor earlier batches.
//
//   train::Masker masker({.prob = 0.15, .mask_id = tok.mask_id(), .vocab_size = 30522,
//                         .special_ids = {tok.cls_id(), tok.sep_id(), tok.pad_id()}});
//   int64_t chosen = masker.apply(ids_ptr, labels_ptr, mask_ptr, B * T, seed, epoch, batch);
#pragma once

#include <cstdint>
#include <vector>

namespace bertq::train {

// Ignored label (torch::nn::functional::cross_entropy's default ignore_index).
inline constexpr int64_t kIgnoreLabel = -100;

struct MaskingOptions {
  double prob = 0.15;
  int64_t mask_id = 103;
  int64_t vocab_size = 30522;
  std::vector<int64_t> special_ids;  // never chosen
  double mask_fraction = 0.8;        // of the chosen: [MASK]
  double random_fraction = 0.1;      // of the chosen: a random id (the rest stay unchanged)
};

class Masker {
 public:
  // Throws INVALID_ARGUMENT naming the field for prob outside (0, 1), fractions outside
  // [0, 1] or summing past 1, mask_id or a special id outside the vocabulary.
  explicit Masker(MaskingOptions o);

  // ids [n] (rewritten in place), labels [n] (written), attention mask [n] (1 = token);
  // returns the number of chosen positions. (epoch, batch) and seed pick the random stream.
  int64_t apply(int64_t* ids, int64_t* labels, const int64_t* mask, int64_t n, uint64_t seed,
                uint64_t epoch, uint64_t batch) const;

  const MaskingOptions& options() const { return o_; }

 private:
  MaskingOptions o_;
  std::vector<bool> special_;  // by id
};

}  // namespace bertq::train
