// fuzz-libs: io core
// Fuzz target for the torch.save reader (io/torch_bin.h): the input is parsed as data.pkl by the
// restricted unpickler, and as a whole checkpoint (in memory). Random bytes rarely get past a
// pickle's first opcodes, so the input also edits a valid state-dict pickle (byte overwrites,
// an insertion, a truncation) and a valid zip, and the edited pickle is zipped with the
// storages it names. Only bertq::Error may escape; a crash, a sanitizer report, another
// exception type, or a tensor whose bytes disagree with its shape and dtype is a bug.
#include <archive.h>
#include <archive_entry.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "io/torch_bin.h"

namespace {

using bertq::io::DType;

// The state dict {a: [2,3] F32, tail: F32 [6:8] of the same storage, t: a transposed view,
// h: [2] F16}, as torch.save (protocol 2) writes it, with a _metadata BUILD.
std::string seed_pickle() {
  std::string p = "\x80\x02";
  auto str = [&](const std::string& s) {
    p += 'X';
    for (int k = 0; k < 4; ++k) p += static_cast<char>((s.size() >> (8 * k)) & 0xff);
    p += s;
  };
  auto global = [&](const char* m, const char* n) { p += std::string("c") + m + "\n" + n + "\n"; };
  auto ints = [&](std::initializer_list<int> vs) {
    p += '(';
    for (int v : vs) p += std::string("K") + static_cast<char>(v);
    p += 't';
  };
  auto ordered_dict = [&] { global("collections", "OrderedDict"), p += ")R"; };
  auto tensor = [&](const char* cls, const char* key, int numel, int offset,
                    std::initializer_list<int> size, std::initializer_list<int> stride) {
    global("torch._utils", "_rebuild_tensor_v2");
    p += "q\x01((";
    str("storage");
    global("torch", cls);
    str(key);
    str("cpu");
    p += std::string("K") + static_cast<char>(numel) + "tQ" + "K" + static_cast<char>(offset);
    ints(size);
    ints(stride);
    p += '\x89';
    ordered_dict();
    p += "tR";
  };
  global("collections", "OrderedDict");
  p += std::string("q\x00)R(", 5);
  str("a");
  tensor("FloatStorage", "0", 8, 0, {2, 3}, {3, 1});
  str("tail");
  tensor("FloatStorage", "0", 8, 6, {2}, {1});
  str("t");
  tensor("FloatStorage", "0", 8, 0, {3, 2}, {1, 3});
  str("h");
  tensor("HalfStorage", "1", 2, 0, {2}, {1});
  p += "u}";
  str("_metadata");
  p += std::string("h\x00)R", 4);
  str("");
  p += "}";
  str("version");
  p += "K\x01sssb.";
  return p;
}

std::string zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_set_options(a, "zip:compression=store");
  archive_write_set_bytes_in_last_block(a, 1);
  auto write_cb = [](archive*, void* user, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  archive_write_open(a, &out, nullptr, write_cb, nullptr);
  for (const auto& [name, data] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// A checkpoint around `pkl` with storages 0 (8 x F32) and 1 (2 x F16).
std::string checkpoint(const std::string& pkl) {
  return zip({{"archive/data.pkl", pkl},
              {"archive/byteorder", "little"},
              {"archive/data/0", std::string(32, '\x3f')},
              {"archive/data/1", std::string("\x00\x3c\x00\xc0", 4)},
              {"archive/version", "3\n"}});
}

// Edits `base` with the input: pairs (position, byte) overwrite, then the rest is inserted
// at a position chosen by the first byte, or (odd first byte) the result is cut there.
std::string edit(std::string base, const uint8_t* d, size_t n) {
  if (n == 0 || base.empty()) return base;
  const size_t at = (d[0] * base.size()) / 256;
  const size_t pairs = n > 1 ? d[1] % 8 : 0;
  size_t i = 2;
  for (size_t k = 0; k < pairs && i + 2 < n; ++k, i += 3) {
    const size_t pos = (static_cast<size_t>(d[i]) << 8 | d[i + 1]) % base.size();
    base[pos] = static_cast<char>(d[i + 2]);
  }
  if (d[0] & 1) {
    base.resize(at);
  } else if (i < n) {
    base.insert(at, reinterpret_cast<const char*>(d + i), n - i);
  }
  return base;
}

void parse(const std::string& pkl) {
  try {
    for (const auto& r : bertq::io::parse_torch_pickle(pkl, "fuzz.bin: data.pkl")) {
      // The parser's promises: strides match sizes, the view stays inside the storage.
      if (r.shape.size() != r.stride.size() || r.storage_offset < 0 || r.storage_numel < 0)
        __builtin_trap();
    }
  } catch (const bertq::Error&) {
  }
}

void read(const std::string& bytes) {
  try {
    volatile uint8_t sink = 0;
    for (const auto& t : bertq::io::read_torch_bin_bytes(bytes, "fuzz.bin")) {
      int64_t numel = 1;
      for (int64_t s : t.shape) numel *= s;
      if (t.data.size() != static_cast<size_t>(numel) * bertq::io::dtype_size(t.dtype))
        __builtin_trap();  // the reader's invariant
      for (uint8_t b : t.data) sink = sink ^ b;
    }
  } catch (const bertq::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kSeed = seed_pickle();
  static const std::string kZip = checkpoint(kSeed);
  static const bool seeds_ok = [] {  // the seeds must be valid, or edits reach nothing deep
    if (bertq::io::parse_torch_pickle(kSeed, "seed").size() != 4) __builtin_trap();
    if (bertq::io::read_torch_bin_bytes(kZip, "seed").size() != 4) __builtin_trap();
    return true;
  }();
  (void)seeds_ok;
  const std::string input(reinterpret_cast<const char*>(data), size);
  parse(input);
  read(input);
  const std::string pkl = edit(kSeed, data, size);
  parse(pkl);
  read(checkpoint(pkl));
  read(edit(kZip, data, size));
  return 0;
}
