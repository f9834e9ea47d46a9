// The WordPiece kind of text model (BERT, DistilBERT, ELECTRA): BertNormalizer +
// BertPreTokenizer + WordPiece through the fused FastEncoder, and HF's WordPiece decoder.
//
//   bertq::text::WordPieceTextModel m(vocab, normalizer_config, wordpiece_config, true);
//   m.encode("Hello!", 0, false, ids, offsets);   // hello !
//   m.decode(ids) == "hello!"
#pragma once

#include "text/fast_encoder.h"
#include "text/normalizer.h"
#include "text/text_model.h"
#include "text/vocab.h"
#include "text/wordpiece.h"

namespace bertq::text {

class WordPieceTextModel final : public TextModel {
 public:
  // `vocab` must outlive the model.
  WordPieceTextModel(const Vocab& vocab, const NormalizerConfig& norm, WordPieceConfig cfg,
                     bool decoder_cleanup);
  WordPieceTextModel(const WordPieceTextModel&) = delete;  // enc_ points at wp_
  WordPieceTextModel& operator=(const WordPieceTextModel&) = delete;

  void encode(std::string_view text, uint32_t base, bool replace_invalid, std::vector<int32_t>& ids,
              Offsets& offsets) const override;
  // HF's WordPiece decoder: "##" pieces glue to the previous token, others get a space;
  // cleanup removes the space before . ? ! , and in contractions.
  std::string decode(const std::vector<int32_t>& ids) const override;
  int32_t unk_id() const override { return wp_.unk_id(); }

 private:
  const Vocab& vocab_;
  WordPiece wp_;
  FastEncoder enc_;
  bool cleanup_;
};

}  // namespace bertq::text
