// Random initialisation of a BERT classifier, as Hugging Face does it (BertPreTrainedModel.
// _init_weights): Linear and Embedding weights ~ normal(0, std), biases 0, LayerNorm weight 1
// and bias 0, and the padding row (pad_token_id) of the word embeddings 0. Values are drawn
// from one NormalRng stream in the order of all_tensor_names(), so a seed fixes every byte.
//
//   InitOptions o;  o.config.num_hidden_layers = 2;  o.seed = 7;
//   SafeTensorsWriter w = init_random_weights(o);
//   write_model_folder("out", o.config, w);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/bert_config.h"
#include "io/bert_tensors.h"
#include "io/normal_rng.h"
#include "io/safetensors.h"

namespace bertq::io {

struct InitOptions {
  BertConfig config;
  uint64_t seed = 0;
  float std = 0.02f;
};

// Every canonical tensor (all_tensor_names), F32, metadata {"format": "pt"}.
SafeTensorsWriter init_random_weights(const InitOptions& options);

// The one initialisation rule (`bertq init`, init_head_folder and the trainer's from-scratch
// models): the initial values of the tensor `name` of `shape` (a canonical name, or another
// module's, e.g. the masked-LM head's "cls.predictions.transform.dense.weight"): LayerNorm
// weights 1, biases 0, every other tensor normal(0, std) drawn from `rng`, with the word
// embeddings' pad_token_id row then 0.
std::vector<float> init_values(const std::string& name, const std::vector<int64_t>& shape,
                               const BertConfig& config, NormalRng& rng, float std);

// A new model folder for tests and from-scratch training (what `bertq init` does).
struct InitFolderOptions {
  InitOptions init;            // init.config.vocab_size is replaced by the vocabulary's size
  std::string vocab_file;      // vocab.txt to copy into the folder
  std::string tokenizer_from;  // folder whose tokenizer files are copied
  bool vocab_size_given =
      false;               // init.config.vocab_size was set explicitly (checked, not replaced)
  bool overwrite = false;  // replace an existing model in `dir`
};
struct InitFolderResult {
  BertConfig config;
  std::vector<std::string> files;  // written, in order
  int64_t parameters = 0;
};
// Writes DIR/config.json, model.safetensors, the tokenizer files (vocab.txt copied from
// vocab_file, else from tokenizer_from) and, unless tokenizer_from has one,
// tokenizer_config.json {"do_lower_case": true, "model_max_length": max_position_embeddings}.
// INVALID_ARGUMENT when no vocabulary size can be determined, when it disagrees with an
// explicit one, or when DIR already holds a model and overwrite is false.
InitFolderResult init_model_folder(const std::string& dir, InitFolderOptions options);

// A base checkpoint (an encoder without a pooler and/or classifier, e.g. a sentence-transformers
// folder) given an explicitly random head: DIR gets BASE's config (with `labels` when not
// empty), BASE's tensors as they are, the missing head tensors drawn like init_random_weights
// (normal(0, init.std), bias 0, seed init.seed) and BASE's tokenizer files. The one place a
// head is made up outside training; returns the names of the tensors it drew. INVALID_ARGUMENT
// when BASE already has its head (nothing to add) or DIR holds a model and overwrite is false.
struct InitHeadResult {
  BertConfig config;
  std::vector<std::string> initialized;
};
InitHeadResult init_head_folder(const std::string& base, const std::string& dir,
                                const std::vector<std::string>& labels, uint64_t seed, float std,
                                bool overwrite);

// Vocabulary size of a tokenizer folder: lines of vocab.txt, else 1 + the largest id in
// tokenizer.json (model.vocab and added_tokens). NOT_FOUND when it has neither.
int tokenizer_vocab_size(const std::string& dir);

// Number of lines of a vocab.txt (one token per line, as BertTokenizer reads it). Throws
// NOT_FOUND / CORRUPT_FILE (empty file) naming the path.
int count_vocab_lines(const std::string& path);

}  // namespace bertq::io
