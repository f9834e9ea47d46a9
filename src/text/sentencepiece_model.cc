// SentencePiece ModelProto reader (see sentencepiece_model.h). Protobuf wire format: each field
// is a varint key (field number << 3 | wire type) then its value: 0 varint, 1 8 bytes,
// 2 varint length + bytes (strings, bytes, nested messages), 5 4 bytes.
#include "text/sentencepiece_model.h"

#include <cstring>

#include "core/error.h"

namespace bertq::text {
namespace {

class Reader {
 public:
  Reader(std::string_view s, size_t base, const std::string& path, const char* what)
      : s_(s), base_(base), path_(path), what_(what) {}
  bool done() const { return i_ >= s_.size(); }
  size_t offset() const { return base_ + i_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      const uint8_t b = static_cast<uint8_t>(s_[i_++]);
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail("varint longer than 10 bytes");
  }
  std::string_view bytes(size_t& at) {
    const uint64_t n = varint();
    need(n);
    at = offset();
    const std::string_view v = s_.substr(i_, n);
    i_ += n;
    return v;
  }
  uint32_t fixed32() {
    need(4);
    uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<uint8_t>(s_[i_ + k]);
    i_ += 4;
    return v;
  }
  void skip(uint32_t wire) {
    size_t at;
    switch (wire) {
      case 0:
        varint();
        return;
      case 1:
        need(8);
        i_ += 8;
        return;
      case 2:
        bytes(at);
        return;
      case 5:
        fixed32();
        return;
      default:
        fail(cat("unsupported wire type ", wire));
    }
  }
  void expect(uint32_t wire, uint32_t want, uint64_t field) {
    if (wire != want) fail(cat("field ", field, " has wire type ", wire, ", expected ", want));
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(ErrorCode::CORRUPT_FILE,
                cat(path_, ": ", what_, " at byte offset ", offset(), ": ", why));
  }

 private:
  void need(uint64_t n) const {
    if (n > s_.size() - i_) fail(cat("truncated (", n, " more bytes needed)"));
  }
  std::string_view s_;
  size_t base_, i_ = 0;
  const std::string& path_;
  const char* what_;
};

SentencePieceModel::Piece parse_piece(std::string_view s, size_t base, const std::string& path) {
  Reader r(s, base, path, "SentencePiece");
  SentencePieceModel::Piece p;
  while (!r.done()) {
    const uint64_t key = r.varint();
    const uint32_t wire = key & 7;
    const uint64_t field = key >> 3;
    size_t at;
    if (field == 1) {
      r.expect(wire, 2, field);
      p.piece = std::string(r.bytes(at));
    } else if (field == 2) {
      r.expect(wire, 5, field);
      const uint32_t bits = r.fixed32();
      std::memcpy(&p.score, &bits, 4);
    } else if (field == 3) {
      r.expect(wire, 0, field);
      p.type = static_cast<int>(r.varint());
    } else {
      r.skip(wire);
    }
  }
  return p;
}

}  // namespace

SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& path) {
  SentencePieceModel m;
  Reader r(bytes, 0, path, "ModelProto");
  while (!r.done()) {
    const uint64_t key = r.varint();
    const uint32_t wire = key & 7;
    const uint64_t field = key >> 3;
    if (field < 1 || field > 3) {
      r.skip(wire);
      continue;
    }
    r.expect(wire, 2, field);
    size_t at;
    const std::string_view sub = r.bytes(at);
    if (field == 1) {
      m.pieces.push_back(parse_piece(sub, at, path));
      continue;
    }
    Reader s(sub, at, path, field == 2 ? "TrainerSpec" : "NormalizerSpec");
    while (!s.done()) {
      const uint64_t k = s.varint();
      const uint32_t w = k & 7;
      const uint64_t f = k >> 3;
      size_t at2;
      if (field == 2 && f == 3) {
        s.expect(w, 0, f);
        m.model_type = static_cast<int>(s.varint());
      } else if (field == 2 && f == 35) {
        s.expect(w, 0, f);
        m.byte_fallback = s.varint() != 0;
      } else if (field == 2 && f == 40) {
        s.expect(w, 0, f);
        m.unk_id = static_cast<int>(static_cast<int32_t>(s.varint()));
      } else if (field == 3 && f == 2) {
        s.expect(w, 2, f);
        m.precompiled_charsmap = std::string(s.bytes(at2));
      } else {
        s.skip(w);
      }
    }
  }
  return m;
}

}  // namespace bertq::text
