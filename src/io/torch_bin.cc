// torch.save zip checkpoints (see torch_bin.h): the zip is read with libarchive, data.pkl by
// the restricted unpickler (torch_pickle.cc), and each tensor is copied out of its storage.
#include "io/torch_bin.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::io {
namespace {

using Bytes = std::vector<uint8_t>;

// Refuses what is not a zip before libarchive sees it, naming the legacy formats.
void check_magic(std::string_view head, const std::string& origin) {
  if (head.size() >= 4 && head.substr(0, 2) == "PK" &&
      (head.substr(2, 2) == std::string_view("\x03\x04", 2) ||
       head.substr(2, 2) == std::string_view("\x05\x06", 2)))
    return;
  const bool legacy = (!head.empty() && static_cast<uint8_t>(head[0]) == 0x80) ||
                      (head.size() >= 262 && head.substr(257, 5) == "ustar");
  throw Error(ErrorCode::UNSUPPORTED,
              legacy ? cat(origin,
                           ": the legacy (PyTorch < 1.6) torch.save format is not "
                           "supported; re-save it with torch.save in PyTorch >= 1.6, or as "
                           "model.safetensors")
                     : cat(origin,
                           ": not a torch.save zip archive (only the zip format of "
                           "PyTorch >= 1.6 is supported)"));
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

ArchivePtr new_reader() {
  ArchivePtr a(archive_read_new());
  if (!a) throw Error(ErrorCode::INTERNAL, "archive_read_new failed");
  // Seekable: entries come from the central directory, like PyTorch's own reader, so a zip cut
  // anywhere (even after the last entry) is refused rather than streamed up to the cut.
  archive_read_support_format_zip_seekable(a.get());
  return a;
}

[[noreturn]] void archive_fail(archive* a, const std::string& origin, const std::string& what) {
  const char* msg = archive_error_string(a);
  throw Error(ErrorCode::CORRUPT_FILE,
              cat(origin, ": ", what, ": ", msg ? msg : "corrupt zip archive"));
}

// The regular entries under the checkpoint's folder (ARCHIVE/data.pkl's ARCHIVE), by their
// path below it ("data.pkl", "data/0", "byteorder"); "version" and the like are skipped.
std::map<std::string, Bytes> read_entries(archive* a, const std::string& origin,
                                          uint64_t archive_size) {
  const uint64_t limit = 16 * archive_size + (uint64_t{64} << 20);
  uint64_t total = 0;
  std::map<std::string, Bytes> out;
  std::string prefix;
  archive_entry* entry = nullptr;
  while (true) {
    const int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) archive_fail(a, origin, "reading the zip");
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* p = archive_entry_pathname(entry);
    const std::string name = p ? p : "";
    const size_t slash = name.find('/');
    check(slash != std::string::npos && slash > 0, ErrorCode::CORRUPT_FILE, origin, ": zip entry '",
          name, "' is not inside the checkpoint's folder");
    // torch.save writes every entry under one folder, data.pkl first.
    if (prefix.empty()) prefix = name.substr(0, slash + 1);
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rel = name.substr(prefix.size());
    if (rel != "data.pkl" && rel != "byteorder" && rel.compare(0, 5, "data/") != 0) continue;
    Bytes bytes;
    if (archive_entry_size_is_set(entry)) {
      const int64_t size = archive_entry_size(entry);
      check(size >= 0 && static_cast<uint64_t>(size) <= limit - total, ErrorCode::CORRUPT_FILE,
            origin, ": zip entry ", name, " of ", size, " bytes is too large for the archive");
      bytes.reserve(static_cast<size_t>(size));
    }
    uint8_t buf[1 << 16];
    while (true) {
      const la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
      if (n < 0) archive_fail(a, origin, cat("reading zip entry ", name));
      if (n == 0) break;
      total += static_cast<uint64_t>(n);
      check(total <= limit, ErrorCode::CORRUPT_FILE, origin,
            ": zip entries decompress to more than ", limit, " bytes");
      bytes.insert(bytes.end(), buf, buf + n);
    }
    check(!archive_entry_size_is_set(entry) ||
              static_cast<int64_t>(bytes.size()) == archive_entry_size(entry),
          ErrorCode::CORRUPT_FILE, origin, ": zip entry ", name, " is truncated");
    const bool fresh = out.emplace(rel, std::move(bytes)).second;
    check(fresh, ErrorCode::CORRUPT_FILE, origin, ": zip entry ", name, " appears twice");
  }
  check(out.count("data.pkl") == 1, ErrorCode::CORRUPT_FILE, origin, ": no ",
        prefix.empty() ? "ARCHIVE/" : prefix, "data.pkl in the zip (not a torch.save checkpoint)");
  return out;
}

bool is_contiguous(const TorchTensorRecord& r) {
  int64_t expected = 1;
  for (size_t d = r.shape.size(); d-- > 0;) {
    if (r.shape[d] != 1 && r.stride[d] != expected) return false;
    expected *= r.shape[d];
  }
  return true;
}

// Copies a strided view (validated by parse_torch_pickle) into contiguous row-major bytes.
void gather(const TorchTensorRecord& r, const uint8_t* storage, size_t es, uint8_t* dst) {
  const size_t nd = r.shape.size();
  int64_t numel = 1;
  for (const int64_t s : r.shape) numel *= s;
  if (numel == 0) return;
  if (is_contiguous(r)) {
    std::memcpy(dst, storage + static_cast<size_t>(r.storage_offset) * es,
                static_cast<size_t>(numel) * es);
    return;
  }
  // Odometer over all but the last dimension; the last is a strided run.
  const int64_t inner = nd ? r.shape[nd - 1] : 1;
  const int64_t inner_stride = nd ? r.stride[nd - 1] : 0;
  std::vector<int64_t> idx(nd, 0);
  int64_t base = r.storage_offset;
  for (int64_t done = 0; done < numel; done += inner) {
    if (inner_stride == 1) {
      std::memcpy(dst, storage + static_cast<size_t>(base) * es, static_cast<size_t>(inner) * es);
      dst += static_cast<size_t>(inner) * es;
    } else {
      for (int64_t k = 0; k < inner; ++k, dst += es)
        std::memcpy(dst, storage + static_cast<size_t>(base + k * inner_stride) * es, es);
    }
    for (size_t d = nd - 1; d-- > 0;) {
      base += r.stride[d];
      if (++idx[d] < r.shape[d]) break;
      base -= r.stride[d] * r.shape[d];
      idx[d] = 0;
    }
  }
}

std::vector<TorchBinTensor> read_checkpoint(archive* a, const std::string& origin, uint64_t size) {
  std::map<std::string, Bytes> entries = read_entries(a, origin, size);
  if (auto it = entries.find("byteorder"); it != entries.end()) {
    const std::string order(it->second.begin(), it->second.end());
    check(order != "big", ErrorCode::UNSUPPORTED, origin,
          ": big-endian checkpoints are not supported");
    check(order == "little", ErrorCode::CORRUPT_FILE, origin,
          ": byteorder entry is neither little nor big");
  }
  const Bytes& pkl = entries.at("data.pkl");
  const std::string_view pkl_text(reinterpret_cast<const char*>(pkl.data()), pkl.size());
  const std::vector<TorchTensorRecord> records =
      parse_torch_pickle(pkl_text, cat(origin, ": data.pkl"));

  // Each storage: present, of the size the pickle says; how many tensors use it.
  std::map<std::string, int> uses;
  for (const auto& r : records) {
    const std::string where = cat(origin, ": tensor ", r.name, ": storage ", r.storage_key);
    auto it = entries.find("data/" + r.storage_key);
    check(it != entries.end(), ErrorCode::CORRUPT_FILE, where, " is missing from the zip");
    const uint64_t want = static_cast<uint64_t>(r.storage_numel) * dtype_size(r.dtype);
    check(it->second.size() == want, ErrorCode::CORRUPT_FILE, where, " has ", it->second.size(),
          " bytes, the pickle says ", r.storage_numel, " x ", dtype_name(r.dtype), " (", want,
          " bytes)");
    ++uses[r.storage_key];
  }
  std::vector<TorchBinTensor> out;
  out.reserve(records.size());
  for (const auto& r : records) {
    TorchBinTensor t;
    t.name = r.name;
    t.dtype = r.dtype;
    t.shape = r.shape;
    Bytes& storage = entries.at("data/" + r.storage_key);
    const size_t es = dtype_size(r.dtype);
    int64_t numel = 1;
    for (const int64_t s : r.shape) numel *= s;
    if (uses[r.storage_key] == 1 && r.storage_offset == 0 && numel == r.storage_numel &&
        is_contiguous(r)) {
      t.data = std::move(storage);  // the whole storage, used by this tensor only
    } else {
      t.data.resize(static_cast<size_t>(numel) * es);
      gather(r, storage.data(), es, t.data.data());
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

std::vector<TorchBinTensor> read_torch_bin(const std::string& path) {
  check(file_exists(path), ErrorCode::NOT_FOUND, path, ": no such file");
  std::ifstream in(path, std::ios::binary);
  check(static_cast<bool>(in), ErrorCode::IO, path, ": cannot open");
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  check_magic(head, path);
  ArchivePtr a = new_reader();
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    archive_fail(a.get(), path, "cannot open as a zip archive");
  return read_checkpoint(a.get(), path, size);
}

std::vector<TorchBinTensor> read_torch_bin_bytes(std::string_view bytes,
                                                 const std::string& origin) {
  check_magic(bytes.substr(0, 512), origin);
  ArchivePtr a = new_reader();
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    archive_fail(a.get(), origin, "cannot open as a zip archive");
  return read_checkpoint(a.get(), origin, bytes.size());
}

void add_torch_tensors(SafeTensorsWriter& writer, std::vector<TorchBinTensor> tensors) {
  for (auto& t : tensors) writer.add_owned(t.name, t.dtype, std::move(t.shape), std::move(t.data));
}

}  // namespace bertq::io
