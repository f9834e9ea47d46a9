// WordPiece text model (see wordpiece_text_model.h).
#include "text/wordpiece_text_model.h"

namespace bertq::text {

WordPieceTextModel::WordPieceTextModel(const Vocab& vocab, const NormalizerConfig& norm,
                                       WordPieceConfig cfg, bool decoder_cleanup)
    : vocab_(vocab), wp_(vocab, std::move(cfg)), enc_(norm, &wp_), cleanup_(decoder_cleanup) {}

void WordPieceTextModel::encode(std::string_view text, uint32_t base, bool replace_invalid,
                                std::vector<int32_t>& ids, Offsets& offsets) const {
  enc_.encode(text, base, replace_invalid, ids, offsets);
}

std::string WordPieceTextModel::decode(const std::vector<int32_t>& ids) const {
  const std::string& prefix = wp_.config().continuing_subword_prefix;
  std::string out;
  bool first = true;
  for (int32_t id : ids) {
    const std::string& t = vocab_.token(id);
    // HF WordPiece decoder: per token, then cleanup on that token (with its leading space).
    std::string piece;
    if (!first && !prefix.empty() && t.compare(0, prefix.size(), prefix) == 0) {
      piece = t.substr(prefix.size());
    } else {
      piece = first ? t : " " + t;
    }
    if (cleanup_) {
      static const std::pair<std::string_view, std::string_view> kCleanup[] = {
          {" .", "."},   {" ?", "?"},     {" !", "!"},    {" ,", ","},
          {" ' ", "'"},  {" n't", "n't"}, {" 'm", "'m"},  {" do not", " don't"},
          {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
      for (const auto& [from, to] : kCleanup) {
        for (size_t p = piece.find(from); p != std::string::npos;
             p = piece.find(from, p + to.size())) {
          piece.replace(p, from.size(), to);
        }
      }
    }
    out += piece;
    first = false;
  }
  return out;
}

}  // namespace bertq::text
