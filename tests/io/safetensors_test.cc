// SafeTensorsFile / SafeTensorsWriter: round trips for every dtype, and each hostile file
// (built by editing a valid one) rejected with a clear error that names file and tensor.
#include <cstring>
#include <fstream>
#include <numeric>
#include <sstream>

#include "common/test_util.h"
#include "core/file_util.h"
#include "st_test_util.h"

namespace bertq::io {
namespace {

using testing::OJson;
using testing::rejects;

std::vector<uint8_t> pattern_bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + 31 * i + (i >> 8));
  return b;
}

// A valid file with two F32 tensors "a" [2, 3] and "b" [4] (data: a then b).
std::string two_tensor_file() {
  SafeTensorsWriter w;
  std::vector<float> a(6), b(4);
  std::iota(a.begin(), a.end(), 1.0f);
  std::iota(b.begin(), b.end(), 10.0f);
  w.add_f32("a", {2, 3}, a);
  w.add_f32("b", {4}, b);
  w.set_metadata("format", "pt");
  return w.serialize();
}

TEST(SafeTensors, RoundTripEveryDtype) {
  bertq::testing::TempDir tmp;
  const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                       DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
  SafeTensorsWriter w;
  std::map<std::string, std::vector<uint8_t>> want;
  uint8_t seed = 1;
  for (DType t : all) {
    // Odd shapes, so a 1-byte tensor would misalign the next one without the dtype ordering.
    const std::vector<int64_t> shape = {3, 5};
    const std::string name = cat("t_", dtype_name(t));
    want[name] = pattern_bytes(15 * dtype_size(t), seed++);
    w.add_owned(name, t, shape, want[name]);
  }
  w.add_owned("empty", DType::F32, {0, 4}, {});
  w.add_owned("scalar", DType::I32, {}, {1, 2, 3, 4});
  w.set_metadata("format", "pt");
  const std::string path = tmp.file("x.safetensors");
  w.write(path);

  SafeTensorsFile f(path);
  EXPECT_EQ(f.path(), path);
  EXPECT_EQ(f.tensors().size(), want.size() + 2);
  EXPECT_EQ(f.metadata().at("format"), "pt");
  for (DType t : all) {
    const std::string name = cat("t_", dtype_name(t));
    const TensorView& v = f.get(name);
    EXPECT_EQ(v.dtype, t) << name;
    EXPECT_EQ(v.shape, (std::vector<int64_t>{3, 5}));
    EXPECT_EQ(v.shape_str(), "[3, 5]");
    EXPECT_EQ(v.numel(), 15);
    ASSERT_EQ(v.nbytes, want[name].size());
    EXPECT_EQ(std::memcmp(v.data, want[name].data(), v.nbytes), 0) << name;
    // Widest first: every tensor is aligned to its element size within the file.
    const auto off =
        static_cast<const uint8_t*>(v.data) - static_cast<const uint8_t*>(f.tensors()[0].data);
    EXPECT_EQ(off % static_cast<ptrdiff_t>(dtype_size(t)), 0) << name;
  }
  EXPECT_EQ(f.get("empty").numel(), 0);
  EXPECT_EQ(f.get("scalar").shape_str(), "[]");
  EXPECT_EQ(f.get("scalar").numel(), 1);
  // Header length + 8 is a multiple of 8, like the HF writer.
  uint64_t n = 0;
  const std::string bytes = read_file(path);
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);
  // In-memory serialisation gives the same bytes as the file.
  EXPECT_EQ(w.serialize(), bytes);
  // Tensors come in file (data offset) order.
  for (size_t i = 1; i < f.tensors().size(); ++i)
    EXPECT_LE(f.tensors()[i - 1].data, f.tensors()[i].data);
}

// Resident kB of the mappings of `path` in this process (/proc/self/smaps).
long mapped_rss_kb(const std::string& path) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in = false;
  long kb = 0;
  while (std::getline(smaps, line)) {
    std::istringstream words(line);
    std::string first, last;
    words >> first;
    if (first.find('-') != std::string::npos && first.back() != ':') {  // a mapping's header
      std::string w;
      last.clear();
      while (words >> w) last = w;
      in = last == path;
    } else if (in && first == "Rss:") {
      long v = 0;
      words >> v;
      kb += v;
    }
  }
  return kb;
}

TEST(SafeTensors, ReleasedPagesLeaveTheProcessAndReadBack) {
  bertq::testing::TempDir tmp;
  const std::vector<uint8_t> big = pattern_bytes(8 << 20, 7), small = pattern_bytes(100, 9);
  SafeTensorsWriter w;
  w.add_owned("big", DType::I8, {8, 1 << 20}, big);
  w.add_owned("small", DType::U8, {100}, small);
  const std::string path = tmp.file("x.safetensors");
  w.write(path);

  SafeTensorsFile f(path);
  const TensorView& v = f.get("big");
  long sum = 0;
  for (size_t i = 0; i < v.nbytes; i += 4096) sum += static_cast<const uint8_t*>(v.data)[i];
  EXPECT_GT(sum, 0);
  const long before = mapped_rss_kb(path);
  EXPECT_GE(before, 8 * 1024 - 8) << "the tensor's pages should be resident after reading it";
  f.release_pages(v);
  const long after = mapped_rss_kb(path);
  EXPECT_LE(after, before - 8 * 1024 + 16) << "released pages still resident";
  // Nothing is lost: the bytes read back from the file, the neighbour is untouched.
  EXPECT_EQ(std::memcmp(v.data, big.data(), big.size()), 0);
  EXPECT_EQ(std::memcmp(f.get("small").data, small.data(), small.size()), 0);

  // An in-memory buffer (what the quantizer hands the engine) keeps its bytes.
  const SafeTensorsFile b = SafeTensorsFile::from_buffer(w.serialize());
  b.release_pages(b.get("big"));
  EXPECT_EQ(std::memcmp(b.get("big").data, big.data(), big.size()), 0);
}

TEST(SafeTensors, FindAndGet) {
  const auto f = SafeTensorsFile::from_buffer(two_tensor_file(), "two.safetensors");
  ASSERT_NE(f.find("a"), nullptr);
  EXPECT_EQ(f.find("c"), nullptr);
  float b[4];
  std::memcpy(b, f.get("b").data, sizeof b);
  EXPECT_EQ(b[3], 13.0f);
  try {
    f.get("c");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_STREQ(e.what(), "two.safetensors: tensor c not found");
  }
}

TEST(SafeTensors, MissingFileIsNotFound) {
  try {
    SafeTensorsFile f("/nonexistent/model.safetensors");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NOT_FOUND);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.safetensors"), std::string::npos);
  }
}

TEST(SafeTensors, HostileFilesOnDisk) {
  bertq::testing::TempDir tmp;
  const std::string good = two_tensor_file();
  const std::pair<std::string, std::string> cases[] = {
      {"empty.safetensors", ""},
      {"truncated.safetensors", good.substr(0, good.size() - 3)},
      {"header.safetensors", testing::le64(1) + "{"},
  };
  for (const auto& [name, bytes] : cases) {
    testing::write_bytes(tmp.file(name), bytes);
    try {
      SafeTensorsFile f(tmp.file(name));
      ADD_FAILURE() << name << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CORRUPT_FILE) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind(tmp.file(name) + ": ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(SafeTensorsFile f(tmp.path()), Error);  // a folder
}

TEST(SafeTensors, WriterRejectsBadInput) {
  SafeTensorsWriter w;
  float x[4] = {};
  EXPECT_THROW(w.add("x", DType::F32, {2, 3}, x, sizeof x), Error);  // 6 elements, 4 given
  EXPECT_THROW(w.add("x", DType::F32, {-1, -4}, x, sizeof x), Error);
  EXPECT_THROW(w.add("__metadata__", DType::F32, {4}, x, sizeof x), Error);
  w.add("x", DType::F32, {4}, x, sizeof x);
  EXPECT_THROW(w.add("x", DType::F32, {4}, x, sizeof x), Error);
  EXPECT_TRUE(w.contains("x"));
}

TEST(SafeTensors, WriteIsAtomic) {
  bertq::testing::TempDir tmp;
  const std::string path = tmp.file("m.safetensors");
  testing::write_bytes(path, "old contents");
  SafeTensorsWriter w;
  w.add_f32("a", {1}, {1.0f});
  w.write(path);
  EXPECT_EQ(SafeTensorsFile(path).tensors().size(), 1u);
  // No temp files left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  // Writing into a missing folder fails with an error naming the path.
  EXPECT_THROW(w.write(tmp.file("no/such/dir/m.safetensors")), Error);
}

// ---- hostile files --------------------------------------------------------------------------

TEST(SafeTensorsHostile, ValidBaseFileParses) {
  EXPECT_EQ(SafeTensorsFile::from_buffer(two_tensor_file()).tensors().size(), 2u);
}

TEST(SafeTensorsHostile, ShorterThan8Bytes) {
  for (size_t n : {0, 1, 7}) {
    EXPECT_TRUE(rejects(two_tensor_file().substr(0, n), ErrorCode::CORRUPT_FILE,
                        {"bad.safetensors", "too short"}));
  }
}

TEST(SafeTensorsHostile, Truncated) {
  const std::string good = two_tensor_file();
  // Cut inside the data: "b" (the last tensor) runs past the end.
  EXPECT_TRUE(rejects(good.substr(0, good.size() - 1), ErrorCode::CORRUPT_FILE,
                      {"bad.safetensors: tensor b", "past the end", "truncated"}));
  // Cut inside the header.
  EXPECT_TRUE(
      rejects(good.substr(0, 20), ErrorCode::CORRUPT_FILE, {"runs past the end of the file"}));
}

TEST(SafeTensorsHostile, HeaderTooLong) {
  std::string bytes = two_tensor_file();
  const std::string huge = testing::le64(kMaxHeaderBytes + 1);
  bytes.replace(0, 8, huge);
  EXPECT_TRUE(rejects(bytes, ErrorCode::CORRUPT_FILE, {"exceeds", "limit"}));
  bytes.replace(0, 8, testing::le64(~uint64_t{0}));
  EXPECT_TRUE(rejects(bytes, ErrorCode::CORRUPT_FILE, {"exceeds"}));
  // Within the limit but longer than the file.
  bytes.replace(0, 8, testing::le64(bytes.size() - 7));
  EXPECT_TRUE(rejects(bytes, ErrorCode::CORRUPT_FILE, {"runs past the end of the file"}));
}

TEST(SafeTensorsHostile, HeaderNotJsonOrNotObject) {
  EXPECT_TRUE(
      rejects(testing::build_file("{\"a\": ", ""), ErrorCode::CORRUPT_FILE, {"not valid JSON"}));
  EXPECT_TRUE(rejects(testing::build_file("", ""), ErrorCode::CORRUPT_FILE, {"not valid JSON"}));
  EXPECT_TRUE(
      rejects(testing::build_file("{} x", ""), ErrorCode::CORRUPT_FILE, {"not valid JSON"}));
  EXPECT_TRUE(rejects(testing::build_file("\"\xff\xfe\"", ""), ErrorCode::CORRUPT_FILE,
                      {"not valid JSON"}));
  EXPECT_TRUE(rejects(testing::build_file("[1, 2]", ""), ErrorCode::CORRUPT_FILE,
                      {"must be a JSON object"}));
  EXPECT_TRUE(rejects(testing::build_file(std::string(100000, '[') + std::string(100000, ']'), ""),
                      ErrorCode::CORRUPT_FILE, {"nested deeper"}));
  // Padding spaces and an empty object are fine.
  EXPECT_EQ(SafeTensorsFile::from_buffer(testing::build_file("{}      ", "")).tensors().size(), 0u);
}

TEST(SafeTensorsHostile, EntryMissingFieldsOrWrongTypes) {
  const std::string good = two_tensor_file();
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    EXPECT_TRUE(rejects(testing::edit_header(good, [&](OJson& h) { h["b"].erase(field); }),
                        ErrorCode::CORRUPT_FILE, {"tensor b", cat("missing \"", field, "\"")}));
  }
  auto with = [&](const char* field, OJson value) {
    return testing::edit_header(good, [&](OJson& h) { h["b"][field] = value; });
  };
  EXPECT_TRUE(
      rejects(with("dtype", 4), ErrorCode::CORRUPT_FILE, {"tensor b", "dtype must be a string"}));
  EXPECT_TRUE(
      rejects(with("shape", "4"), ErrorCode::CORRUPT_FILE, {"tensor b", "shape must be an array"}));
  EXPECT_TRUE(rejects(with("shape", OJson::array({4.0})), ErrorCode::CORRUPT_FILE,
                      {"tensor b", "non-negative integer"}));
  EXPECT_TRUE(rejects(with("shape", OJson::array({"4"})), ErrorCode::CORRUPT_FILE,
                      {"tensor b", "non-negative integer"}));
  EXPECT_TRUE(rejects(with("data_offsets", OJson::array({24})), ErrorCode::CORRUPT_FILE,
                      {"tensor b", "[begin, end]"}));
  EXPECT_TRUE(rejects(with("data_offsets", OJson::array({24, 40, 56})), ErrorCode::CORRUPT_FILE,
                      {"[begin, end]"}));
  EXPECT_TRUE(rejects(with("data_offsets", OJson::array({24, "40"})), ErrorCode::CORRUPT_FILE,
                      {"data offset"}));
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"] = OJson::array({1}); }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "entry must be an object"}));
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["__metadata__"] = "x"; }),
                      ErrorCode::CORRUPT_FILE, {"__metadata__"}));
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["__metadata__"]["k"] = 3; }),
                      ErrorCode::CORRUPT_FILE, {"__metadata__ \"k\""}));
}

TEST(SafeTensorsHostile, UnknownDtype) {
  const std::string good = two_tensor_file();
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"]["dtype"] = "F33"; }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "unknown dtype \"F33\""}));
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"]["dtype"] = "F8_E4M3"; }),
                      ErrorCode::UNSUPPORTED, {"tensor b", "unsupported dtype \"F8_E4M3\""}));
}

TEST(SafeTensorsHostile, NegativeDimsAndOverflow) {
  const std::string good = two_tensor_file();
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"]["shape"] = {-4}; }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "negative dimension -4"}));
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["shape"] = {-2, -2};
                                           }),
                      ErrorCode::CORRUPT_FILE, {"negative dimension"}));
  // 2^32 * 2^32 wraps to 0 in 64 bits: must be caught, not accepted as an empty tensor.
  EXPECT_TRUE(
      rejects(testing::edit_header(good,
                                   [](OJson& h) {
                                     h["b"]["shape"] = {uint64_t{1} << 32, uint64_t{1} << 32};
                                     h["b"]["data_offsets"] = {24, 24};
                                   }),
              ErrorCode::CORRUPT_FILE, {"tensor b", "too many elements"}));
  // numel fits but numel * 4 bytes does not.
  EXPECT_TRUE(
      rejects(testing::edit_header(good, [](OJson& h) { h["b"]["shape"] = {uint64_t{1} << 62}; }),
              ErrorCode::CORRUPT_FILE, {"too many elements"}));
  EXPECT_TRUE(
      rejects(testing::edit_header(good, [](OJson& h) { h["b"]["shape"] = {~uint64_t{0}}; }),
              ErrorCode::CORRUPT_FILE, {"too large"}));
}

TEST(SafeTensorsHostile, ByteCountDisagreesWithShape) {
  const std::string good = two_tensor_file();
  // Right size range but shape of 5 floats.
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"]["shape"] = {5}; }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "hold 16 bytes but F32 [5] needs 20"}));
  // Same shape but the dtype changed (F16 needs half the bytes).
  EXPECT_TRUE(rejects(testing::edit_header(good, [](OJson& h) { h["b"]["dtype"] = "F16"; }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "needs 8"}));
}

TEST(SafeTensorsHostile, OffsetsOutOfRange) {
  const std::string good = two_tensor_file();
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["data_offsets"] = {40, 56};
                                           }),
                      ErrorCode::CORRUPT_FILE,
                      {"tensor b", "[40, 56]", "past the end of the data"}));
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["data_offsets"] = {40, 24};
                                           }),
                      ErrorCode::CORRUPT_FILE, {"tensor b", "begin after end"}));
  EXPECT_TRUE(
      rejects(testing::edit_header(good,
                                   [](OJson& h) {
                                     h["b"]["data_offsets"] = {~uint64_t{0} - 7, uint64_t{7}};
                                   }),
              ErrorCode::CORRUPT_FILE, {"begin after end"}));
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["data_offsets"] = {-16, 0};
                                           }),
                      ErrorCode::CORRUPT_FILE, {"negative data offset"}));
}

TEST(SafeTensorsHostile, OverlappingRanges) {
  const std::string good = two_tensor_file();
  // b [4] moved onto the tail of a [2, 3].
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["data_offsets"] = {8, 24};
                                           }),
                      ErrorCode::CORRUPT_FILE, {"overlap", "tensor a", "tensor b"}));
  // Identical ranges.
  EXPECT_TRUE(rejects(testing::edit_header(good,
                                           [](OJson& h) {
                                             h["b"]["shape"] = {2, 3};
                                             h["b"]["data_offsets"] = {0, 24};
                                           }),
                      ErrorCode::CORRUPT_FILE, {"overlap"}));
  // Gaps are accepted (b moved later, data padded).
  const testing::Split s = testing::split_file(good);
  OJson h = s.header;
  h["b"]["data_offsets"] = {32, 48};
  const std::string data = s.data.substr(0, 24) + std::string(8, '\0') + s.data.substr(24);
  const auto f = SafeTensorsFile::from_buffer(testing::build_file(h.dump(), data));
  float b0;
  std::memcpy(&b0, f.get("b").data, 4);
  EXPECT_EQ(b0, 10.0f);
}

TEST(SafeTensorsHostile, DuplicateNames) {
  const testing::Split s = testing::split_file(two_tensor_file());
  std::string text = s.header.dump();
  // Append a second "a" entry by hand (a JSON library would merge them).
  text.insert(text.size() - 1, ",\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]}");
  EXPECT_TRUE(
      rejects(testing::build_file(text, s.data), ErrorCode::CORRUPT_FILE, {"duplicate key \"a\""}));
}

TEST(SafeTensorsHostile, UnalignedHeaderIsFine) {
  const testing::Split s = testing::split_file(two_tensor_file());
  const std::string text = s.header.dump() + " ";  // 8 + N not a multiple of 8
  const auto f = SafeTensorsFile::from_buffer(testing::build_file(text, s.data));
  float a[6];
  std::memcpy(a, f.get("a").data, sizeof a);
  EXPECT_EQ(a[5], 6.0f);
}

}  // namespace
}  // namespace bertq::io
