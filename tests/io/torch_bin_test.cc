// torch.save zip checkpoints (io/torch_bin.h). The fixtures are built here, without Python: a
// small pickle emitter writes the opcodes torch.save uses for a state dict (protocol 2, the
// same structure pickletools shows for torch 1.13), and libarchive's writer stores the zip.
// Hostile inputs are small edits of the good file: the reader must refuse each with a
// bertq::Error whose code and message name the problem.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"
#include "io/model_folder.h"
#include "io/torch_bin.h"

namespace bertq::io {
namespace {

// Emits pickle opcodes.
class Pickle {
 public:
  Pickle& raw(std::string_view s) { return bytes_.append(s), *this; }
  Pickle& op(uint8_t c) { return bytes_.push_back(static_cast<char>(c)), *this; }
  Pickle& proto() { return op(0x80).op(2); }
  Pickle& global(std::string_view module, std::string_view name) {
    return op('c').raw(module).raw("\n").raw(name).raw("\n");
  }
  Pickle& str(std::string_view s) {
    op('X');
    le(s.size(), 4);
    return raw(s);
  }
  Pickle& integer(int64_t v) {
    if (v >= 0 && v < 256) return op('K').op(static_cast<uint8_t>(v));
    if (v >= 0 && v < 65536) return op('M'), le(static_cast<uint64_t>(v), 2), *this;
    if (v >= INT32_MIN && v <= INT32_MAX) return op('J'), le(static_cast<uint32_t>(v), 4), *this;
    return op(0x8a).op(8), le(static_cast<uint64_t>(v), 8), *this;
  }
  Pickle& ints(const std::vector<int64_t>& vs) {  // a tuple, as torch writes sizes and strides
    if (vs.empty()) return op(')');
    if (vs.size() <= 3) {
      for (int64_t v : vs) integer(v);
      return op(static_cast<uint8_t>(0x84 + vs.size()));
    }
    op('(');
    for (int64_t v : vs) integer(v);
    return op('t');
  }
  Pickle& put(uint8_t k) { return op('q').op(k); }
  Pickle& get(uint8_t k) { return op('h').op(k); }
  Pickle& ordered_dict() { return global("collections", "OrderedDict").op(')').op('R'); }
  // _rebuild_tensor_v2(('storage', torch.CLS, key, 'cpu', numel), offset, size, stride, False,
  // OrderedDict()); the global is memoized at 200 on first use and fetched after, as torch does.
  Pickle& tensor(const std::string& cls, const std::string& key, int64_t numel, int64_t offset,
                 const std::vector<int64_t>& size, const std::vector<int64_t>& stride) {
    if (!rebuild_memoized_) {
      global("torch._utils", "_rebuild_tensor_v2").put(200);
      rebuild_memoized_ = true;
    } else {
      get(200);
    }
    op('(').op('(').str("storage").global("torch", cls).str(key).str("cpu").integer(numel).op('t');
    op('Q').integer(offset).ints(size).ints(stride).op(0x89).ordered_dict().op('t');
    return op('R');
  }
  // state_dict()._metadata = OrderedDict({'': {'version': 1}}), applied with BUILD.
  Pickle& metadata() {
    op('}').str("_metadata").ordered_dict().str("").op('}').str("version").integer(1);
    return op('s').op('s').op('s').op('b');
  }
  Pickle& stop() { return op('.'); }
  const std::string& bytes() const { return bytes_; }

 private:
  void le(uint64_t v, int n) {
    for (int k = 0; k < n; ++k) bytes_.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
  }
  std::string bytes_;
  bool rebuild_memoized_ = false;
};

// A zip with stored (uncompressed) entries, in order.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  archive* a = archive_write_new();
  EXPECT_EQ(archive_write_set_format_zip(a), ARCHIVE_OK);
  EXPECT_EQ(archive_write_set_options(a, "zip:compression=store"), ARCHIVE_OK);
  EXPECT_EQ(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);  // no padding
  auto write_cb = [](archive*, void* user, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  EXPECT_EQ(archive_write_open(a, &out, nullptr, write_cb, nullptr), ARCHIVE_OK);
  for (const auto& [name, data] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a, data.data(), data.size()),
              static_cast<la_ssize_t>(data.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

template <typename T>
std::string raw_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Storage 0: 8 floats 0..7; storage 1: two halves (1.0, -2.0).
const std::vector<float> kFloats = {0, 1, 2, 3, 4, 5, 6, 7};
const std::vector<uint16_t> kHalves = {0x3c00, 0xc000};

// The state dict {a: [2,3] of storage 0, tail: storage 0 [6:8], t: a transposed view, h: F16}.
Pickle good_pickle() {
  Pickle p;
  p.proto().ordered_dict().put(0).op('(');
  p.str("a").tensor("FloatStorage", "0", 8, 0, {2, 3}, {3, 1});
  p.str("tail").tensor("FloatStorage", "0", 8, 6, {2}, {1});
  p.str("t").tensor("FloatStorage", "0", 8, 0, {3, 2}, {1, 3});
  p.str("h").tensor("HalfStorage", "1", 2, 0, {2}, {1});
  p.op('u').metadata().stop();
  return p;
}

std::string checkpoint(const std::string& pkl,
                       std::vector<std::pair<std::string, std::string>> extra = {},
                       bool with_storage_1 = true) {
  std::vector<std::pair<std::string, std::string>> e = {{"archive/data.pkl", pkl},
                                                        {"archive/byteorder", "little"},
                                                        {"archive/data/0", raw_bytes(kFloats)}};
  if (with_storage_1) e.emplace_back("archive/data/1", raw_bytes(kHalves));
  e.emplace_back("archive/version", "3\n");
  for (auto& x : extra) e.push_back(std::move(x));
  return make_zip(e);
}

std::vector<float> floats(const TorchBinTensor& t) {
  std::vector<float> v(t.data.size() / sizeof(float));
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

// Reading must throw bertq::Error with `code` and every fragment in its message.
::testing::AssertionResult refuses(const std::function<void()>& read, ErrorCode code,
                                   std::initializer_list<std::string> fragments) {
  try {
    read();
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (e.code() != code)
      return ::testing::AssertionFailure() << "code " << error_code_name(e.code()) << ", want "
                                           << error_code_name(code) << ": " << msg;
    for (const auto& f : fragments)
      if (msg.find(f) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks '" << f << "': " << msg;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "accepted";
}

::testing::AssertionResult pickle_refused(const std::string& pkl, ErrorCode code,
                                          std::initializer_list<std::string> fragments) {
  return refuses([&] { parse_torch_pickle(pkl, "x.bin: data.pkl"); }, code, fragments);
}

::testing::AssertionResult bin_refused(const std::string& bytes, ErrorCode code,
                                       std::initializer_list<std::string> fragments) {
  return refuses([&] { read_torch_bin_bytes(bytes, "x.bin"); }, code, fragments);
}

TEST(TorchBin, ReadsStateDictExactly) {
  const auto recs = parse_torch_pickle(good_pickle().bytes(), "x.bin: data.pkl");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[1].name, "tail");
  EXPECT_EQ(recs[1].storage_key, "0");
  EXPECT_EQ(recs[1].storage_offset, 6);
  EXPECT_EQ(recs[1].storage_numel, 8);
  EXPECT_EQ(recs[1].location, "cpu");
  EXPECT_EQ(recs[2].stride, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(recs[3].dtype, DType::F16);

  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("pytorch_model.bin"), checkpoint(good_pickle().bytes()));
  const auto ts = read_torch_bin(tmp.file("pytorch_model.bin"));
  ASSERT_EQ(ts.size(), 4u);
  EXPECT_EQ(ts[0].name, "a");
  EXPECT_EQ(ts[0].dtype, DType::F32);
  EXPECT_EQ(ts[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(floats(ts[0]), (std::vector<float>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(ts[1].name, "tail");  // offset 6 into the shared storage
  EXPECT_EQ(floats(ts[1]), (std::vector<float>{6, 7}));
  EXPECT_EQ(ts[2].name, "t");  // a transposed (non-contiguous) view, gathered
  EXPECT_EQ(ts[2].shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(floats(ts[2]), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(ts[3].name, "h");
  EXPECT_EQ(ts[3].dtype, DType::F16);
  ASSERT_EQ(ts[3].data.size(), 4u);
  EXPECT_EQ(f16_to_f32(static_cast<uint16_t>(ts[3].data[0] | ts[3].data[1] << 8)), 1.0f);
  EXPECT_EQ(f16_to_f32(static_cast<uint16_t>(ts[3].data[2] | ts[3].data[3] << 8)), -2.0f);

  // The same from memory, and through a safetensors writer.
  const auto mem = read_torch_bin_bytes(checkpoint(good_pickle().bytes()), "mem.bin");
  ASSERT_EQ(mem.size(), 4u);
  EXPECT_EQ(floats(mem[2]), floats(ts[2]));
  SafeTensorsWriter w;
  add_torch_tensors(w, mem);
  const auto st = SafeTensorsFile::from_buffer(w.serialize());
  EXPECT_EQ(st.get("tail").shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(st.get("h").dtype, DType::F16);
}

TEST(TorchBin, AcceptsProtocol4AndPlainDict) {
  // {} instead of OrderedDict(), SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE, FRAME, a parameter.
  Pickle p;
  std::string body;
  Pickle q;
  q.op('}').op(0x94).op('(').op(0x8c).op(1).raw("w");
  q.op(0x8c).op(12).raw("torch._utils").op(0x8c).op(18).raw("_rebuild_parameter").op(0x93);
  q.tensor("FloatStorage", "0", 8, 2, {}, {}).op(0x88).op('N').op(0x87).op('R');
  q.op('u').stop();
  p.op(0x80).op(4).op(0x95);
  const uint64_t n = q.bytes().size();
  for (int k = 0; k < 8; ++k) p.op(static_cast<uint8_t>((n >> (8 * k)) & 0xff));
  p.raw(q.bytes());
  const auto ts = read_torch_bin_bytes(checkpoint(p.bytes()), "p4.bin");
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].name, "w");
  EXPECT_TRUE(ts[0].shape.empty());  // a scalar: element 2 of storage 0
  EXPECT_EQ(floats(ts[0]), (std::vector<float>{2}));
}

TEST(TorchBin, RefusesCodeExecution) {
  // What pickle.dumps of os.system("echo pwned") writes (protocol 2): GLOBAL posix system.
  Pickle p;
  p.proto().global("posix", "system").str("echo pwned").op(0x85).op('R').stop();
  EXPECT_TRUE(pickle_refused(p.bytes(), ErrorCode::UNSUPPORTED,
                             {"x.bin: data.pkl", "refused pickle global posix.system", "byte 2"}));
  // Inside a good-looking checkpoint, too (the global is refused before REDUCE runs).
  EXPECT_TRUE(bin_refused(checkpoint(p.bytes()), ErrorCode::UNSUPPORTED,
                          {"x.bin: data.pkl", "posix.system"}));
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"builtins", "eval"}, {"__builtin__", "getattr"},     {"os", "system"},
      {"torch", "load"},    {"collections", "defaultdict"}, {"torch._utils", "_rebuild_qtensor"}};
  for (const auto& [m, n] : refused) {
    Pickle g;
    g.proto().global(m, n).stop();
    EXPECT_TRUE(pickle_refused(g.bytes(), ErrorCode::UNSUPPORTED, {cat(m, ".", n)}))
        << m << "." << n;
    Pickle s;  // the same through STACK_GLOBAL
    s.proto().str(m).str(n).op(0x93).stop();
    EXPECT_TRUE(pickle_refused(s.bytes(), ErrorCode::UNSUPPORTED, {cat(m, ".", n)}))
        << m << "." << n;
  }
  // Calling a storage class is refused as well; so are the object-building opcodes.
  Pickle c;
  c.proto().global("torch", "FloatStorage").op(')').op('R').stop();
  EXPECT_TRUE(
      pickle_refused(c.bytes(), ErrorCode::UNSUPPORTED, {"refused call of torch.FloatStorage"}));
  for (uint8_t op : std::vector<uint8_t>{'i', 'o', 0x81, 0x92, 0x82, 'P', 'S', 'F', '2', 'd'}) {
    Pickle o;
    o.proto().op(op).stop();
    EXPECT_TRUE(
        pickle_refused(o.bytes(), ErrorCode::UNSUPPORTED, {"refused pickle opcode", "byte 2"}))
        << int{op};
  }
}

TEST(TorchBin, RefusesUnknownOpcode) {
  Pickle p;
  p.proto().op(0xff).stop();
  EXPECT_TRUE(
      pickle_refused(p.bytes(), ErrorCode::CORRUPT_FILE, {"unknown pickle opcode 0xff", "byte 2"}));
  Pickle q;
  q.proto().op(0x99).stop();  // protocol 6 and beyond
  EXPECT_TRUE(pickle_refused(q.bytes(), ErrorCode::CORRUPT_FILE, {"unknown pickle opcode 0x99"}));
}

TEST(TorchBin, RefusesEveryTruncation) {
  const std::string good = good_pickle().bytes();
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      parse_torch_pickle(good.substr(0, n), "x.bin: data.pkl");
      ADD_FAILURE() << "accepted " << n << " of " << good.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("x.bin: data.pkl: ", 0), 0u) << e.what();
    }
  }
  // A string longer than the bytes left, and bytes after STOP.
  Pickle s;
  s.proto().op('X').raw(std::string("\xff\xff\xff\x7f", 4)).raw("ab");
  EXPECT_TRUE(pickle_refused(s.bytes(), ErrorCode::CORRUPT_FILE,
                             {"byte 2: truncated: BINUNICODE needs 2147483647 bytes, 2 left"}));
  EXPECT_TRUE(pickle_refused(good + "x", ErrorCode::CORRUPT_FILE, {"1 bytes after STOP"}));
}

TEST(TorchBin, RefusesMalformedPickles) {
  auto pk = [](const std::function<void(Pickle&)>& f) {
    Pickle p;
    p.proto();
    f(p);
    return p.stop().bytes();
  };
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.get(7); }), ErrorCode::CORRUPT_FILE,
                             {"memo key 7 was never stored"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('R'); }), ErrorCode::CORRUPT_FILE,
                             {"REDUCE: stack underflow"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('}').op('(').op('s'); }),
                             ErrorCode::CORRUPT_FILE,
                             {"SETITEM: stack underflow"}));  // cannot reach below the MARK
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('t'); }), ErrorCode::CORRUPT_FILE,
                             {"TUPLE without a MARK"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('}').op('}'); }), ErrorCode::CORRUPT_FILE,
                             {"2 values on the stack"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op(']'); }), ErrorCode::UNSUPPORTED,
                             {"the checkpoint is a list, not a dict of tensors"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('}').str("step").integer(3).op('s'); }),
                             ErrorCode::UNSUPPORTED, {"tensor step: is a int, not a tensor"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op('}').str("n").op('}').op('s'); }),
                             ErrorCode::UNSUPPORTED, {"tensor n: is a dict", "flat state dict"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op(0x80).op(9); }), ErrorCode::UNSUPPORTED,
                             {"pickle protocol 9"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.op(0x8a).op(9).raw(std::string(9, '\1')); }),
                             ErrorCode::UNSUPPORTED, {"LONG1 integer of 9 bytes"}));
  // The persistent id must be a storage tuple.
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) { p.str("0").op('Q'); }), ErrorCode::CORRUPT_FILE,
                             {"the persistent id is a str, not a tuple"}));
  EXPECT_TRUE(pickle_refused(pk([](Pickle& p) {
                               p.op('(')
                                   .str("storage")
                                   .global("collections", "OrderedDict")
                                   .str("0")
                                   .str("cpu")
                                   .integer(1);
                               p.op('t').op('Q');
                             }),
                             ErrorCode::CORRUPT_FILE,
                             {"collections.OrderedDict is not a storage class"}));

  // Tensor records: each bad field, named with the tensor.
  auto one = [](const std::string& cls, int64_t numel, int64_t offset,
                const std::vector<int64_t>& size, const std::vector<int64_t>& stride) {
    Pickle p;
    p.proto().op('}').str("w").tensor(cls, "0", numel, offset, size, stride).op('s').stop();
    return p.bytes();
  };
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 7, {2}, {1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w: offset 7 with size [2] and stride [1] reaches past "
                              "storage 0 of 8"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {3, 3}, {3, 1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w:", "reaches past"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {-1}, {1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w: negative size -1"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {2}, {-1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w: negative stride -1"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, -1, {2}, {1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w: negative storage offset"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {2, 3}, {1}), ErrorCode::CORRUPT_FILE,
                             {"tensor w: 2 sizes but 1 strides"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {1LL << 40, 1LL << 40}, {0, 0}),
                             ErrorCode::CORRUPT_FILE, {"tensor w: size", "overflows"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 8, 0, {1LL << 40, 2}, {1LL << 40, 1LL << 40}),
                             ErrorCode::CORRUPT_FILE, {"tensor w:"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", 2, 0, {4, 2}, {0, 1}), ErrorCode::UNSUPPORTED,
                             {"tensor w: 8 elements view a storage of 2"}));
  EXPECT_TRUE(pickle_refused(one("ComplexFloatStorage", 8, 0, {2}, {1}), ErrorCode::UNSUPPORTED,
                             {"tensor w: dtype of torch.ComplexFloatStorage is not supported"}));
  EXPECT_TRUE(pickle_refused(one("FloatStorage", -3, 0, {0}, {1}), ErrorCode::CORRUPT_FILE,
                             {"storage 0: numel -3"}));
  // Two tensors disagreeing about one storage, and one name twice.
  Pickle two;
  two.proto().op('}').op('(').str("a").tensor("FloatStorage", "0", 8, 0, {2}, {1});
  two.str("b").tensor("HalfStorage", "0", 16, 0, {2}, {1}).op('u').stop();
  EXPECT_TRUE(pickle_refused(two.bytes(), ErrorCode::CORRUPT_FILE,
                             {"tensor b: storage 0 is 16 x F16 here"}));
  Pickle dup;
  dup.proto().op('}').op('(').str("a").tensor("FloatStorage", "0", 8, 0, {2}, {1});
  dup.str("a").tensor("FloatStorage", "0", 8, 2, {2}, {1}).op('u').stop();
  EXPECT_TRUE(pickle_refused(dup.bytes(), ErrorCode::CORRUPT_FILE, {"tensor a: appears twice"}));
  // Empty tensors and an empty dict are fine.
  EXPECT_EQ(parse_torch_pickle(one("FloatStorage", 0, 0, {0, 5}, {5, 1}), "x").size(), 1u);
  EXPECT_TRUE(parse_torch_pickle(pk([](Pickle& p) { p.op('}'); }), "x").empty());
}

TEST(TorchBin, RefusesBadArchives) {
  const std::string pkl = good_pickle().bytes();
  // Storage 1 missing from the zip.
  EXPECT_TRUE(bin_refused(checkpoint(pkl, {}, false), ErrorCode::CORRUPT_FILE,
                          {"x.bin: tensor h: storage 1 is missing from the zip"}));
  // Storage 0 shorter than the pickle says.
  const std::string short0 = make_zip({{"archive/data.pkl", pkl},
                                       {"archive/data/0", raw_bytes(kFloats).substr(0, 28)},
                                       {"archive/data/1", raw_bytes(kHalves)}});
  EXPECT_TRUE(bin_refused(short0, ErrorCode::CORRUPT_FILE,
                          {"x.bin: tensor a: storage 0 has 28 bytes, the pickle says 8 x F32 "
                           "(32 bytes)"}));
  // No data.pkl; entries outside one folder; big-endian.
  EXPECT_TRUE(bin_refused(make_zip({{"archive/data/0", "1234"}}), ErrorCode::CORRUPT_FILE,
                          {"x.bin: no archive/data.pkl in the zip"}));
  EXPECT_TRUE(bin_refused(make_zip({{"data.pkl", pkl}}), ErrorCode::CORRUPT_FILE,
                          {"zip entry 'data.pkl' is not inside"}));
  const std::string big = make_zip({{"archive/data.pkl", pkl}, {"archive/byteorder", "big"}});
  EXPECT_TRUE(bin_refused(big, ErrorCode::UNSUPPORTED, {"big-endian"}));
  // Not a zip at all; the legacy format; a truncated zip.
  EXPECT_TRUE(bin_refused("garbage!garbage", ErrorCode::UNSUPPORTED,
                          {"x.bin: not a torch.save zip archive"}));
  EXPECT_TRUE(bin_refused("", ErrorCode::UNSUPPORTED, {"not a torch.save zip archive"}));
  EXPECT_TRUE(bin_refused(std::string("\x80\x02\x8a\x0a", 4) + "rest", ErrorCode::UNSUPPORTED,
                          {"legacy (PyTorch < 1.6)"}));
  const std::string good = checkpoint(pkl);
  for (size_t n : {size_t{30}, size_t{100}, good.size() / 2, good.size() - 10}) {
    try {
      read_torch_bin_bytes(good.substr(0, n), "cut.bin");
      ADD_FAILURE() << "accepted a zip cut at " << n;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("cut.bin: ", 0), 0u) << e.what();
    }
  }
  bertq::testing::TempDir tmp;
  EXPECT_TRUE(
      refuses([&] { read_torch_bin(tmp.file("none.bin")); }, ErrorCode::NOT_FOUND, {"none.bin"}));
}

TEST(TorchBin, ModelFolderReadsPytorchModelBin) {
  // A BertModel-style checkpoint (no "bert." prefix, a position_ids buffer) of a random model.
  BertConfig c;
  c.vocab_size = 20;
  c.hidden_size = 8;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.intermediate_size = 16;
  c.max_position_embeddings = 8;
  c.id2label = {"NEG", "POS"};
  InitOptions o;
  o.config = c;
  o.seed = 3;
  const SafeTensorsWriter init = init_random_weights(o);
  Pickle p;
  p.proto().ordered_dict().op('(');
  std::vector<std::pair<std::string, std::string>> storages;
  for (const TensorView& t : init.tensors()) {
    std::string name = t.name;
    if (name.rfind("bert.", 0) == 0) name = name.substr(5);
    std::vector<int64_t> stride(t.shape.size(), 1);
    for (size_t d = t.shape.size(); d-- > 1;) stride[d - 1] = stride[d] * t.shape[d];
    const std::string key = std::to_string(storages.size());
    p.str(name).tensor("FloatStorage", key, t.numel(), 0, t.shape, stride);
    storages.emplace_back("archive/data/" + key,
                          std::string(static_cast<const char*>(t.data), t.nbytes));
  }
  const std::vector<int64_t> ids = {0, 1, 2, 3, 4, 5, 6, 7};
  p.str("embeddings.position_ids").tensor("LongStorage", "ids", 8, 0, {1, 8}, {8, 1});
  storages.emplace_back("archive/data/ids", raw_bytes(ids));
  p.op('u').metadata().stop();
  storages.insert(storages.begin(), {"archive/data.pkl", p.bytes()});

  bertq::testing::TempDir tmp;
  c.save(tmp.file("config.json"));
  write_file_atomic(tmp.file("pytorch_model.bin"), make_zip(storages));
  const ModelFolder m = ModelFolder::load(tmp.path());
  EXPECT_TRUE(m.weights.missing_head().empty());
  for (const TensorView& t : init.tensors()) {
    const TensorView& got = m.weights.get(t.name);
    ASSERT_EQ(got.shape, t.shape) << t.name;
    ASSERT_EQ(got.nbytes, t.nbytes) << t.name;
    EXPECT_EQ(std::memcmp(got.data, t.data, t.nbytes), 0) << t.name;
  }
}

}  // namespace
}  // namespace bertq::io
