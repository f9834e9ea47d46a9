// bertq's public C++ API: text classification with a model folder (FP32 or INT8, as
// `bertq train` / `bertq quantize` write them, or a Hugging Face folder with a classifier head),
// on the CPU, without libtorch. Installed by `cmake --install` with a CMake package:
//
//   find_package(bertq REQUIRED)
//   target_link_libraries(app PRIVATE bertq::bertq)
//
//   #include <bertq/bertq.h>
//   bertq::Classifier clf("models/imdb-int8");              // or a hub name in bertq's cache
//   for (const bertq::Result& r : clf.predict({"A great movie!", "Dull."}))
//     std::cout << r.label << " " << r.score << "\n";       // POSITIVE 0.98 ...
//
// A Classifier is immutable after construction and may be shared by any number of threads.
// It tokenizes with the model's own recipe (the max length, truncation and head tokens it was
// trained with, from its config.json) unless Options set them, as `bertq predict` does.
// Errors (a missing or malformed folder, invalid UTF-8 in a text, an option out of range) are
// thrown as std::runtime_error, with a message naming the file, field or text.
// This header uses only the standard library.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// What libbertq.so exports (it is built with hidden visibility: nothing else leaves it).
#if defined(BERTQ_BUILDING_LIBRARY)
#define BERTQ_API __attribute__((visibility("default")))
#else
#define BERTQ_API
#endif

namespace bertq {

// The version of the installed library, e.g. "0.1.0".
BERTQ_API const char* version();

struct Options {
  int threads = 0;               // 0: the CPUs this process may use (affinity, cgroup limit)
  std::string compute = "fp32";  // FP32 folders: "fp32" or "bf16" (CPUs with AVX-512 BF16)
  // Tokenization; unset: the model's recipe (config.json), else 512 tokens, head truncation.
  std::optional<int> max_length;          // tokens per text incl. the special tokens
  std::optional<std::string> truncation;  // "head", "tail" or "head+tail"
  std::optional<int> head_tokens;         // head+tail: tokens kept from the start
  int batch_size = 8;                     // texts per forward pass (sorted by length)
};

// One text's result.
struct Result {
  std::string label;  // the model's name for the predicted class (config.json id2label)
  int label_id = 0;   // argmax of the logits (the first on ties)
  float score = 0;    // probs[label_id]
  std::vector<float> logits, probs;  // one per class; probs = softmax(logits)
};

// One text's tokens.
struct Encoding {
  std::vector<int32_t> ids;
  // Byte offsets [begin, end) of each token in the text; {0, 0} for special tokens.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
};

class BERTQ_API Classifier {
 public:
  // `model`: a model folder, or a hub name ("org/name") already in bertq's cache.
  explicit Classifier(const std::string& model, const Options& options = {});
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // One Result per text, in input order.
  std::vector<Result> predict(const std::vector<std::string>& texts) const;
  Result predict(const std::string& text) const;
  // The tokens predict() runs for `text` (after truncation, with the special tokens).
  Encoding encode(const std::string& text) const;

  // The class names, by label id.
  const std::vector<std::string>& labels() const;
  // How texts are tokenized and where each setting came from, e.g.
  // "max length 256 (config.json), truncation head+tail (config.json), 64 head tokens (...)".
  std::string tokenization() const;
  // The folder predict() runs (a hub name resolved to its cache folder).
  const std::string& model_dir() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bertq
