// BPE tokenizers (see bpe_tokenizer.h).
#include "text/bpe_tokenizer.h"

#include "text/tokenizer_json.h"

namespace bertq::text {

void load_bpe_tokenizer(Tokenizer::Impl&, const nlohmann::json&,
                        const std::vector<std::pair<std::string, int64_t>>&,
                        const std::string& path) {
  unsupported(path, "model.type", "\"BPE\" (not implemented yet)");
}

}  // namespace bertq::text
