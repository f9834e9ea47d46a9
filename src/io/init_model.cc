// HF-style random initialisation (see init_model.h).
#include "io/init_model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::io {

std::vector<float> init_values(const std::string& name, const std::vector<int64_t>& shape,
                               const BertConfig& config, NormalRng& rng, float std) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<float> v(static_cast<size_t>(n), 0.0f);
  auto ends_with = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with("LayerNorm.weight")) {
    std::fill(v.begin(), v.end(), 1.0f);
  } else if (!ends_with("bias")) {
    for (float& x : v) x = static_cast<float>(std * rng.normal());
    if (name == "bert.embeddings.word_embeddings.weight") {  // Embedding(padding_idx=pad)
      check(shape.size() == 2 && config.pad_token_id < shape[0], ErrorCode::INTERNAL,
            "init: word embeddings of shape without the pad row ", config.pad_token_id);
      const int64_t h = shape[1];
      std::fill(v.begin() + config.pad_token_id * h, v.begin() + (config.pad_token_id + 1) * h,
                0.0f);
    }
  }
  return v;
}

SafeTensorsWriter init_random_weights(const InitOptions& o) {
  o.config.validate();
  check(o.std >= 0 && std::isfinite(o.std), ErrorCode::INVALID_ARGUMENT,
        "init: std must be a non-negative number, got ", o.std);
  NormalRng rng(o.seed);
  SafeTensorsWriter w;
  w.set_metadata("format", "pt");
  for (const auto& [name, shape] : all_tensor_names(o.config)) {
    w.add_f32(name, shape, init_values(name, shape, o.config, rng, o.std));
  }
  return w;
}

int count_vocab_lines(const std::string& path) {
  const std::string text = read_file(path);
  check(!text.empty(), ErrorCode::CORRUPT_FILE, path, ": empty vocabulary file");
  int64_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (text.back() != '\n') ++lines;  // last line without a newline
  check(lines < (int64_t{1} << 31), ErrorCode::CORRUPT_FILE, path, ": too many lines");
  return static_cast<int>(lines);
}

}  // namespace bertq::io
