// Model folders and their weights.
//
// A model is a Hugging Face folder: config.json (BertConfig), model.safetensors, and the
// tokenizer files (vocab.txt and/or tokenizer.json, tokenizer_config.json).
//
// WeightStore holds the weights under canonical names (bert_tensors.h):
// - names are normalised: a BertModel checkpoint ("encoder.layer.0...") gets the "bert."
//   prefix, old "LayerNorm.gamma/beta" become "weight/bias", pre-training heads ("cls.*") and
//   "*position_ids" buffers are dropped;
// - every BERT tensor's shape is checked against expected_shape() (for I8 weights too):
//   "FILE: tensor bert.encoder.layer.3.output.dense.weight: expected [768, 3072], got [3072, 768]";
// - F32 tensors point into the memory-mapped file (copied only if misaligned); F16, BF16 and
//   F64 are converted to owned F32; I8 Linear weights (and the quantizer's F32 "<name>_scale"
//   siblings, or any other extra tensor) are kept as they are. A BERT tensor in any other
//   dtype is an UNSUPPORTED error naming it;
// - a missing pooler or classifier (a base checkpoint) is a NOT_FOUND error naming the tensors
//   and the commands that give the model a head (`bertq train`, `bertq init --from`): nothing
//   that only runs a model may answer with a random head. HeadPolicy::ALLOW_MISSING (convert,
//   `bertq init --from`, which add or need no head) lists them in missing_head() instead; any
//   other missing tensor is always a NOT_FOUND error. Random initialisation belongs to
//   training and `bertq init` (init_model.h).
// WeightStore is cheap to copy and move; copies share the mapping and the converted buffers.
//
//   auto m = bertq::io::ModelFolder::load("models/imdb");
//   const float* wq = m.weights.f32(BertTensor::Q_WEIGHT, 0);   // [H, H], row-major [out, in]
//   int labels = m.config.num_labels();
//
//   write_model_folder("out", config, writer, /*tokenizer_from=*/"models/bert-base-uncased");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/bert_config.h"
#include "io/bert_tensors.h"
#include "io/safetensors.h"

namespace bertq::io {

// What loading does about a missing pooler / classifier (see above).
enum class HeadPolicy { REQUIRE, ALLOW_MISSING };

class WeightStore {
 public:
  WeightStore() = default;  // empty

  static WeightStore load(const std::string& safetensors_path, const BertConfig& config,
                          HeadPolicy heads = HeadPolicy::REQUIRE);
  static WeightStore load(const SafeTensorsFile& file, const BertConfig& config,
                          HeadPolicy heads = HeadPolicy::REQUIRE);

  const TensorView* find(const std::string& canonical_name) const;
  const TensorView& get(const std::string& canonical_name) const;  // NOT_FOUND naming the file
  const TensorView& get(BertTensor t, int layer = -1) const;
  // The F32 data of a tensor; UNSUPPORTED if it is stored as another dtype (e.g. I8).
  const float* f32(BertTensor t, int layer = -1) const;
  const float* f32(const std::string& canonical_name) const;
  // The F32 sibling "<name><suffix>" of an I8 tensor ("_scale", "_input_range"), copied (the
  // mapping need not be 4-byte aligned); NOT_FOUND / CORRUPT_FILE unless it has `expected`
  // elements.
  std::vector<float> f32_sibling(const std::string& name, const std::string& suffix,
                                 int64_t expected) const;
  // An I8 matrix [rows, cols] with per-row "_scale" as F32 (q · scale[row]), into `out`
  // (numel floats): how an INT8 weight is used where its consumer runs in F32.
  void dequantize_rows(const TensorView& v, float* out) const;

  // File tensors (canonical ones in all_tensor_names order, then extras by name).
  std::vector<std::string> names() const;
  const std::vector<TensorView>& tensors() const { return views_; }
  // Head tensors missing from the file (pooler / classifier; HeadPolicy::ALLOW_MISSING only).
  const std::vector<std::string>& missing_head() const { return missing_head_; }
  const std::string& source() const { return source_; }
  // SafeTensorsFile::release_pages for a tensor of this store (a no-op for one it converted).
  void release_pages(const TensorView& t) const {
    if (file_) file_->release_pages(t);
  }

 private:
  void add(TensorView v);

  std::string source_;
  std::shared_ptr<const SafeTensorsFile> file_;  // keeps the mapping alive
  std::vector<std::shared_ptr<std::vector<float>>> owned_;
  std::vector<TensorView> views_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<std::string> missing_head_;
};

struct ModelFolder {
  std::string dir;
  BertConfig config;
  WeightStore weights;

  // Reads DIR/config.json and DIR/model.safetensors, or without it DIR/pytorch_model.bin
  // (torch_bin.h: read without running its pickle, converted in memory); errors say what is
  // missing and how to get it.
  static ModelFolder load(const std::string& dir, HeadPolicy heads = HeadPolicy::REQUIRE);
  bool has_tokenizer() const;  // has_tokenizer_files(dir)
};

// Tokenizer files copied with a model (write_model_folder, export, convert, init: those present).
extern const char* const kTokenizerFiles[8];
// Whether DIR has the files a tokenizer is built from (text::Tokenizer::from_folder):
// tokenizer.json, vocab.txt, vocab.json + merges.txt, or sentencepiece.bpe.model.
bool has_tokenizer_files(const std::string& dir);

// Writes DIR/config.json and DIR/model.safetensors (atomic each) after checking that `weights`
// holds every canonical tensor with its expected shape; copies the tokenizer files from
// `tokenizer_from` when given (NOT_FOUND if it has neither vocab.txt nor tokenizer.json).
void write_model_folder(const std::string& dir, const BertConfig& config,
                        const SafeTensorsWriter& weights, const std::string& tokenizer_from = "");

}  // namespace bertq::io
