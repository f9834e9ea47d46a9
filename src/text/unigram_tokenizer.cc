// Unigram tokenizers (see unigram_tokenizer.h).
#include "text/unigram_tokenizer.h"

#include "text/tokenizer_json.h"

namespace bertq::text {

void load_unigram_tokenizer(Tokenizer::Impl&, const nlohmann::json&, const std::string& path) {
  unsupported(path, "model.type", "\"Unigram\" (not implemented yet)");
}

}  // namespace bertq::text
