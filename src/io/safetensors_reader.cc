// SafeTensorsFile: maps a safetensors file and validates its header and byte ranges before
// handing out any tensor (see safetensors.h for the format and the list of checks).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "io/safetensors.h"

namespace bertq::io {
namespace {

using nlohmann::json;

// The header is at most 3 levels deep ({"name": {"shape": [..]}}); anything deeper is rejected
// before parsing so hostile nesting cannot exhaust the stack.
constexpr int kMaxNesting = 8;

std::string brief(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

int max_nesting(std::string_view text) {
  int depth = 0, worst = 0;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape)
        escape = false;
      else if (c == '\\')
        escape = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      worst = std::max(worst, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return worst;
}

// Non-negative JSON integer (as uint64), or throws with `what` in the message.
uint64_t json_uint(const json& j, const std::string& where, const char* what) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer()) {
    const int64_t v = j.get<int64_t>();
    if (v < 0) throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": negative ", what, " ", v));
    return static_cast<uint64_t>(v);
  }
  throw Error(ErrorCode::CORRUPT_FILE,
              cat(where, ": ", what, " must be a non-negative integer, got ", brief(j)));
}

bool is_known_unsupported_dtype(const std::string& s) {
  static const std::set<std::string> kOthers = {
      "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"};
  return kOthers.count(s) > 0;
}

}  // namespace

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string TensorView::shape_str() const {
  return io::shape_str(shape);
}

SafeTensorsFile::SafeTensorsFile(const std::string& path) : path_(path) {
  auto map = std::make_shared<MappedFile>(path);
  storage_ = map;
  mapped_ = true;
  parse(map->data(), map->size());
}

void SafeTensorsFile::release_pages(const TensorView& t) const {
  const auto begin = reinterpret_cast<uintptr_t>(t.data), base = reinterpret_cast<uintptr_t>(base_);
  if (!mapped_ || t.nbytes == 0 || begin < base || begin + t.nbytes > base + size_) return;
  const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  const uintptr_t lo = (begin + page - 1) & ~(page - 1), hi = (begin + t.nbytes) & ~(page - 1);
  // Only whole pages inside the tensor; the mapping is read-only, so nothing can be lost.
  if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
}

SafeTensorsFile SafeTensorsFile::from_buffer(std::string bytes, const std::string& name) {
  SafeTensorsFile f;
  f.path_ = name;
  auto buf = std::make_shared<std::string>(std::move(bytes));
  f.storage_ = buf;
  f.parse(reinterpret_cast<const uint8_t*>(buf->data()), buf->size());
  return f;
}

void SafeTensorsFile::parse(const uint8_t* bytes, size_t size) {
  base_ = bytes;
  size_ = size;
  const std::string& file = path_;
  check(size >= 8, ErrorCode::CORRUPT_FILE, file, ": too short for a safetensors file (", size,
        " bytes; needs an 8-byte header length)");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];  // little-endian
  check(header_len <= kMaxHeaderBytes, ErrorCode::CORRUPT_FILE, file, ": header length ",
        header_len, " exceeds the ", kMaxHeaderBytes, "-byte limit (not a safetensors file?)");
  check(header_len <= size - 8, ErrorCode::CORRUPT_FILE, file, ": header length ", header_len,
        " runs past the end of the file (", size, " bytes; truncated?)");
  const std::string_view text(reinterpret_cast<const char*>(bytes + 8), header_len);
  check(max_nesting(text) <= kMaxNesting, ErrorCode::CORRUPT_FILE, file,
        ": header JSON is nested deeper than ", kMaxNesting, " levels");

  // Parse, recording duplicate keys (nlohmann keeps the last one silently).
  std::vector<std::set<std::string>> key_stack;
  std::string duplicate;
  json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
        key_stack.emplace_back();
        break;
      case json::parse_event_t::array_start:
        key_stack.emplace_back();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!key_stack.empty()) key_stack.pop_back();
        break;
      case json::parse_event_t::key:
        if (!key_stack.empty() && parsed.is_string() &&
            !key_stack.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default:
        break;
    }
    return true;
  };
  json header = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  check(!header.is_discarded(), ErrorCode::CORRUPT_FILE, file, ": header is not valid JSON (",
        header_len, " bytes)");
  check(header.is_object(), ErrorCode::CORRUPT_FILE, file, ": header must be a JSON object, got ",
        header.type_name());
  check(duplicate.empty(), ErrorCode::CORRUPT_FILE, file, ": duplicate key \"", duplicate,
        "\" in the header");

  const uint8_t* data = bytes + 8 + header_len;
  const uint64_t data_size = size - 8 - header_len;
  struct Range {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Range> ranges;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& entry = it.value();
    if (name == "__metadata__") {
      check(entry.is_object(), ErrorCode::CORRUPT_FILE, file,
            ": __metadata__ must be an object of strings, got ", brief(entry));
      for (auto m = entry.begin(); m != entry.end(); ++m) {
        check(m.value().is_string(), ErrorCode::CORRUPT_FILE, file, ": __metadata__ \"", m.key(),
              "\" must be a string, got ", brief(m.value()));
        metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = cat(file, ": tensor ", name);
    check(entry.is_object(), ErrorCode::CORRUPT_FILE, where, ": entry must be an object, got ",
          brief(entry));
    for (const char* field : {"dtype", "shape", "data_offsets"})
      check(entry.contains(field), ErrorCode::CORRUPT_FILE, where, ": missing \"", field, "\"");
    const json& jd = entry["dtype"];
    const json& js = entry["shape"];
    const json& jo = entry["data_offsets"];
    check(jd.is_string(), ErrorCode::CORRUPT_FILE, where, ": dtype must be a string, got ",
          brief(jd));
    const std::string dname = jd.get<std::string>();
    const auto dtype = try_parse_dtype(dname);
    if (!dtype) {
      throw Error(
          is_known_unsupported_dtype(dname) ? ErrorCode::UNSUPPORTED : ErrorCode::CORRUPT_FILE,
          cat(where, ": ", is_known_unsupported_dtype(dname) ? "unsupported" : "unknown",
              " dtype \"", dname,
              "\" (bertq reads F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
    }
    check(js.is_array(), ErrorCode::CORRUPT_FILE, where, ": shape must be an array, got ",
          brief(js));
    check(jo.is_array() && jo.size() == 2, ErrorCode::CORRUPT_FILE, where,
          ": data_offsets must be [begin, end], got ", brief(jo));

    TensorView v;
    v.name = name;
    v.dtype = *dtype;
    uint64_t numel = 1;
    bool overflow = false;
    for (const json& d : js) {
      const uint64_t dim = json_uint(d, where, "dimension");
      check(dim <= static_cast<uint64_t>(INT64_MAX), ErrorCode::CORRUPT_FILE, where, ": dimension ",
            dim, " too large");
      v.shape.push_back(static_cast<int64_t>(dim));
      overflow = overflow || __builtin_mul_overflow(numel, dim, &numel);
    }
    uint64_t nbytes = 0;
    overflow = overflow || __builtin_mul_overflow(numel, dtype_size(*dtype), &nbytes);
    check(!overflow, ErrorCode::CORRUPT_FILE, where, ": shape ", v.shape_str(),
          " has too many elements");
    const uint64_t begin = json_uint(jo[0], where, "data offset");
    const uint64_t end = json_uint(jo[1], where, "data offset");
    check(begin <= end, ErrorCode::CORRUPT_FILE, where, ": data_offsets [", begin, ", ", end,
          "] begin after end");
    check(end - begin == nbytes, ErrorCode::CORRUPT_FILE, where, ": data_offsets [", begin, ", ",
          end, "] hold ", end - begin, " bytes but ", dname, " ", v.shape_str(), " needs ", nbytes);
    check(end <= data_size, ErrorCode::CORRUPT_FILE, where, ": data_offsets [", begin, ", ", end,
          "] run past the end of the data section (", data_size, " bytes; file truncated?)");
    v.data = data + begin;
    v.nbytes = static_cast<size_t>(nbytes);
    ranges.push_back({begin, end, tensors_.size()});
    tensors_.push_back(std::move(v));
  }

  // Overlaps: sorted by begin, each range must start at or after the previous one's end.
  std::sort(ranges.begin(), ranges.end(), [&](const Range& a, const Range& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end < b.end;
    return tensors_[a.index].name < tensors_[b.index].name;
  });
  for (size_t i = 1; i < ranges.size(); ++i) {
    const Range& p = ranges[i - 1];
    const Range& r = ranges[i];
    check(r.begin >= p.end, ErrorCode::CORRUPT_FILE, file, ": tensor ", tensors_[r.index].name,
          ": data_offsets [", r.begin, ", ", r.end, "] overlap tensor ", tensors_[p.index].name,
          " [", p.begin, ", ", p.end, "]");
  }
  std::vector<TensorView> ordered;
  ordered.reserve(tensors_.size());
  for (const Range& r : ranges) ordered.push_back(std::move(tensors_[r.index]));
  tensors_ = std::move(ordered);
  for (size_t i = 0; i < tensors_.size(); ++i) index_.emplace(tensors_[i].name, i);
}

const TensorView* SafeTensorsFile::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorView& SafeTensorsFile::get(std::string_view name) const {
  const TensorView* t = find(name);
  check(t != nullptr, ErrorCode::NOT_FOUND, path_, ": tensor ", name, " not found");
  return *t;
}

}  // namespace bertq::io
