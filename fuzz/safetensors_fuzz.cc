// fuzz-libs: io core
// Fuzz target for the safetensors reader: parses the input bytes as a file (in memory), and
// also as "JSON header, NUL, data section" given the right length prefix (so mutations reach
// the header checks without first guessing a consistent 8-byte length); touches every tensor's
// bytes and, when the header happens to describe a small BERT, loads it
// as a WeightStore. Only bertq::Error may escape the library; anything else (a crash, an
// ASan/UBSan report, another exception type) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "io/model_folder.h"
#include "io/safetensors.h"

namespace {

void parse_and_touch(std::string bytes) {
  try {
    const auto f = bertq::io::SafeTensorsFile::from_buffer(std::move(bytes), "fuzz.safetensors");
    volatile uint8_t sink = 0;
    for (const auto& t : f.tensors()) {
      const auto* p = static_cast<const uint8_t*>(t.data);
      for (size_t i = 0; i < t.nbytes; ++i) sink = sink ^ p[i];
      if (t.numel() * static_cast<int64_t>(bertq::io::dtype_size(t.dtype)) !=
          static_cast<int64_t>(t.nbytes))
        __builtin_trap();  // the reader's invariant
    }
    for (const auto& [k, v] : f.metadata()) sink = sink ^ static_cast<uint8_t>(k.size() + v.size());
    // A 1-layer H=4 model: exercises name normalisation, shape and dtype checks, conversion.
    bertq::io::BertConfig c;
    c.vocab_size = 8;
    c.hidden_size = 4;
    c.num_hidden_layers = 1;
    c.num_attention_heads = 1;
    c.intermediate_size = 4;
    c.max_position_embeddings = 4;
    const auto ws = bertq::io::WeightStore::load(f, c, bertq::io::HeadPolicy::ALLOW_MISSING);
    for (const auto& t : ws.tensors()) {
      const auto* p = static_cast<const uint8_t*>(t.data);
      for (size_t i = 0; i < t.nbytes; ++i) sink = sink ^ p[i];
    }
  } catch (const bertq::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    bertq::set_log_level(bertq::LogLevel::OFF);
    return true;
  }();
  (void)quiet;
  const std::string input(reinterpret_cast<const char*>(data), size);
  parse_and_touch(input);
  const size_t nul = input.find('\0');
  const std::string header = input.substr(0, nul);
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = static_cast<char>((uint64_t{header.size()} >> (8 * i)) & 0xff);
  file += header;
  if (nul != std::string::npos) file += input.substr(nul + 1);
  parse_and_touch(std::move(file));
  return 0;
}
