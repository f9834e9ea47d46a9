// SentencePiece's model file (sentencepiece.bpe.model: a serialized ModelProto, protobuf wire
// format), read by hand for the fields a Unigram tokenizer needs:
//   ModelProto      1 pieces (repeated SentencePiece), 2 trainer_spec, 3 normalizer_spec
//   SentencePiece   1 piece (string), 2 score (float), 3 type (1 NORMAL, 2 UNKNOWN, 3 CONTROL,
//                   4 USER_DEFINED, 5 UNUSED, 6 BYTE)
//   TrainerSpec     3 model_type (1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR), 35 byte_fallback, 40 unk_id
//   NormalizerSpec  2 precompiled_charsmap (bytes)
// Other fields are skipped. Malformed input is Error(CORRUPT_FILE) naming the byte offset.
//
//   auto spm = bertq::text::parse_sentencepiece_model(read_file(path), path);
//   spm.pieces[5].piece, spm.pieces[5].score, spm.trainer.unk_id
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bertq::text {

struct SentencePieceModel {
  struct Piece {
    std::string piece;
    float score = 0;
    int type = 1;
  };
  std::vector<Piece> pieces;
  int model_type = 1;  // protobuf default: UNIGRAM
  bool byte_fallback = false;
  int unk_id = 0;
  std::string precompiled_charsmap;
};

SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& path);

}  // namespace bertq::text
