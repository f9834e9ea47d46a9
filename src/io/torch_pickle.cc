// The restricted unpickler for torch.save's data.pkl (see torch_bin.h): a stack machine over a
// whitelist of opcodes whose values live in an arena (indices, no ownership cycles, no
// recursion), so hostile input can neither run code nor blow the stack.
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "io/torch_bin.h"

namespace bertq::io {
namespace {

// Bounds that no state dict comes near: they keep arithmetic in int64 and messages short.
constexpr size_t kMaxDims = 64;
constexpr int64_t kMaxElements = int64_t{1} << 56;
constexpr size_t kMaxGlobalLine = 256;

enum class Kind : uint8_t { NONE, BOOL, INT, STR, TUPLE, LIST, DICT, CALLABLE, STORAGE, TENSOR };

enum class Callable : uint8_t { ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, STORAGE_CLASS };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::NONE:
      return "None";
    case Kind::BOOL:
      return "bool";
    case Kind::INT:
      return "int";
    case Kind::STR:
      return "str";
    case Kind::TUPLE:
      return "tuple";
    case Kind::LIST:
      return "list";
    case Kind::DICT:
      return "dict";
    case Kind::CALLABLE:
      return "global";
    case Kind::STORAGE:
      return "storage";
    case Kind::TENSOR:
      return "tensor";
  }
  return "?";
}

struct Value {
  Kind kind = Kind::NONE;
  int64_t i = 0;                // INT, BOOL; STORAGE: numel; TENSOR: index into tensors_
  std::string s;                // STR; CALLABLE: "module.name"; STORAGE: key
  std::string s2;               // STORAGE: location
  std::string type_name;        // STORAGE: its class, "torch.FloatStorage"
  std::vector<uint32_t> items;  // TUPLE, LIST; DICT: key, value, key, value, ...
  Callable callable = Callable::ORDERED_DICT;
  std::optional<DType> dtype;  // CALLABLE storage class / STORAGE: nullopt if unsupported
};

// The storage classes torch.save names, with our dtype (nullopt: known but unsupported).
std::optional<std::optional<DType>> storage_class(std::string_view name) {
  static const std::pair<const char*, std::optional<DType>> kTable[] = {
      {"FloatStorage", DType::F32},
      {"HalfStorage", DType::F16},
      {"BFloat16Storage", DType::BF16},
      {"DoubleStorage", DType::F64},
      {"LongStorage", DType::I64},
      {"IntStorage", DType::I32},
      {"ShortStorage", DType::I16},
      {"CharStorage", DType::I8},
      {"ByteStorage", DType::U8},
      {"BoolStorage", DType::BOOL},
      {"ComplexFloatStorage", std::nullopt},
      {"ComplexDoubleStorage", std::nullopt},
      {"QInt8Storage", std::nullopt},
      {"QUInt8Storage", std::nullopt},
      {"QInt32Storage", std::nullopt},
      {"QUInt4x2Storage", std::nullopt},
      {"QUInt2x4Storage", std::nullopt}};
  for (const auto& [n, t] : kTable)
    if (name == n) return t;
  return std::nullopt;
}

// Names of every pickle opcode (protocols 0-5), for messages about refused ones.
const char* opcode_name(uint8_t op) {
  switch (op) {
    case '(':
      return "MARK";
    case '.':
      return "STOP";
    case '0':
      return "POP";
    case '1':
      return "POP_MARK";
    case '2':
      return "DUP";
    case 'F':
      return "FLOAT";
    case 'I':
      return "INT";
    case 'J':
      return "BININT";
    case 'K':
      return "BININT1";
    case 'L':
      return "LONG";
    case 'M':
      return "BININT2";
    case 'N':
      return "NONE";
    case 'P':
      return "PERSID";
    case 'Q':
      return "BINPERSID";
    case 'R':
      return "REDUCE";
    case 'S':
      return "STRING";
    case 'T':
      return "BINSTRING";
    case 'U':
      return "SHORT_BINSTRING";
    case 'V':
      return "UNICODE";
    case 'X':
      return "BINUNICODE";
    case 'a':
      return "APPEND";
    case 'b':
      return "BUILD";
    case 'c':
      return "GLOBAL";
    case 'd':
      return "DICT";
    case '}':
      return "EMPTY_DICT";
    case 'e':
      return "APPENDS";
    case 'g':
      return "GET";
    case 'h':
      return "BINGET";
    case 'i':
      return "INST";
    case 'j':
      return "LONG_BINGET";
    case 'l':
      return "LIST";
    case ']':
      return "EMPTY_LIST";
    case 'o':
      return "OBJ";
    case 'p':
      return "PUT";
    case 'q':
      return "BINPUT";
    case 'r':
      return "LONG_BINPUT";
    case 's':
      return "SETITEM";
    case 't':
      return "TUPLE";
    case ')':
      return "EMPTY_TUPLE";
    case 'u':
      return "SETITEMS";
    case 'G':
      return "BINFLOAT";
    case 0x80:
      return "PROTO";
    case 0x81:
      return "NEWOBJ";
    case 0x82:
      return "EXT1";
    case 0x83:
      return "EXT2";
    case 0x84:
      return "EXT4";
    case 0x85:
      return "TUPLE1";
    case 0x86:
      return "TUPLE2";
    case 0x87:
      return "TUPLE3";
    case 0x88:
      return "NEWTRUE";
    case 0x89:
      return "NEWFALSE";
    case 0x8a:
      return "LONG1";
    case 0x8b:
      return "LONG4";
    case 'C':
      return "SHORT_BINBYTES";
    case 'B':
      return "BINBYTES";
    case 0x8c:
      return "SHORT_BINUNICODE";
    case 0x8d:
      return "BINUNICODE8";
    case 0x8e:
      return "BINBYTES8";
    case 0x8f:
      return "EMPTY_SET";
    case 0x90:
      return "ADDITEMS";
    case 0x91:
      return "FROZENSET";
    case 0x92:
      return "NEWOBJ_EX";
    case 0x93:
      return "STACK_GLOBAL";
    case 0x94:
      return "MEMOIZE";
    case 0x95:
      return "FRAME";
    case 0x96:
      return "BYTEARRAY8";
    case 0x97:
      return "NEXT_BUFFER";
    case 0x98:
      return "READONLY_BUFFER";
    default:
      return nullptr;
  }
}

// Printable text for a message: at most 64 bytes, control and non-ASCII bytes as \xNN.
std::string printable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 64; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > 64) out += "...";
  return out;
}

class Unpickler {
 public:
  Unpickler(std::string_view bytes, const std::string& origin) : b_(bytes), origin_(origin) {}

  std::vector<TorchTensorRecord> run() {
    while (true) {
      op_pos_ = pos_;
      check_bytes(1, "an opcode (no STOP)");
      const uint8_t op = static_cast<uint8_t>(b_[pos_++]);
      if (op == '.') break;
      step(op);
    }
    if (pos_ != b_.size()) corrupt(cat(b_.size() - pos_, " bytes after STOP"));
    if (!marks_.empty()) corrupt("STOP with an open MARK");
    if (stack_.size() != 1)
      corrupt(cat("STOP with ", stack_.size(), " values on the stack (want 1)"));
    return records(stack_[0]);
  }

 private:
  [[noreturn]] void corrupt(const std::string& msg) const {
    throw Error(ErrorCode::CORRUPT_FILE, cat(origin_, ": byte ", op_pos_, ": ", msg));
  }
  [[noreturn]] void unsupported(const std::string& msg) const {
    throw Error(ErrorCode::UNSUPPORTED, cat(origin_, ": byte ", op_pos_, ": ", msg));
  }

  void check_bytes(uint64_t n, const char* what) const {
    if (n > b_.size() - pos_)
      throw Error(ErrorCode::CORRUPT_FILE,
                  cat(origin_, ": byte ", op_pos_, ": truncated: ", what, " needs ", n, " bytes, ",
                      b_.size() - pos_, " left"));
  }
  uint64_t read_le(int n, const char* what) {
    check_bytes(static_cast<uint64_t>(n), what);
    uint64_t v = 0;
    for (int k = 0; k < n; ++k) v |= uint64_t{static_cast<uint8_t>(b_[pos_ + k])} << (8 * k);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view take(uint64_t n, const char* what) {
    check_bytes(n, what);
    const std::string_view s = b_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  std::string_view line(const char* what) {
    const size_t end = b_.find('\n', pos_);
    if (end == std::string_view::npos || end - pos_ > kMaxGlobalLine)
      corrupt(cat("GLOBAL ", what, " is not a line of at most ", kMaxGlobalLine, " bytes"));
    const std::string_view s = b_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }

  uint32_t make(Value v) {
    if (values_.size() >= UINT32_MAX) corrupt("too many values");
    values_.push_back(std::move(v));
    return static_cast<uint32_t>(values_.size() - 1);
  }
  uint32_t make_int(Kind k, int64_t i) {
    Value v;
    v.kind = k;
    v.i = i;
    return make(std::move(v));
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  uint32_t pop(const char* op) {
    if (stack_.size() <= floor()) corrupt(cat(op, ": stack underflow"));
    const uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  uint32_t top(const char* op) const {
    if (stack_.size() <= floor()) corrupt(cat(op, ": stack underflow"));
    return stack_.back();
  }
  std::vector<uint32_t> pop_mark(const char* op) {
    if (marks_.empty()) corrupt(cat(op, " without a MARK"));
    std::vector<uint32_t> items(stack_.begin() + static_cast<ptrdiff_t>(marks_.back()),
                                stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  Value& at(uint32_t i) { return values_[i]; }
  Value& expect(uint32_t i, Kind k, const char* what) {
    Value& v = values_[i];
    if (v.kind != k) corrupt(cat(what, " is a ", kind_name(v.kind), ", not a ", kind_name(k)));
    return v;
  }
  void memo_put(uint64_t key) { memo_[key] = top("BINPUT/MEMOIZE"); }
  void memo_get(uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) corrupt(cat("memo key ", key, " was never stored"));
    stack_.push_back(it->second);
  }
  void tuple(std::vector<uint32_t> items) {
    Value v;
    v.kind = Kind::TUPLE;
    v.items = std::move(items);
    stack_.push_back(make(std::move(v)));
  }

  void global(std::string_view module, std::string_view name) {
    Value v;
    v.kind = Kind::CALLABLE;
    v.s = cat(module, ".", name);
    if (module == "collections" && name == "OrderedDict") {
      v.callable = Callable::ORDERED_DICT;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
      v.callable = Callable::REBUILD_TENSOR_V2;
    } else if (module == "torch._utils" && name == "_rebuild_parameter") {
      v.callable = Callable::REBUILD_PARAMETER;
    } else if (auto st = module == "torch" ? storage_class(name) : std::nullopt) {
      v.callable = Callable::STORAGE_CLASS;
      v.dtype = *st;
    } else {
      unsupported(cat("refused pickle global ", printable(module), ".", printable(name),
                      " (only tensors and an ordered dict are accepted)"));
    }
    stack_.push_back(make(std::move(v)));
  }

  void reduce() {
    const uint32_t args_i = pop("REDUCE");
    const uint32_t fn_i = pop("REDUCE");
    const Value& fn = expect(fn_i, Kind::CALLABLE, "REDUCE's callable");
    const std::vector<uint32_t> args = expect(args_i, Kind::TUPLE, "REDUCE's arguments").items;
    switch (fn.callable) {
      case Callable::ORDERED_DICT: {
        if (!args.empty()) unsupported("collections.OrderedDict called with arguments");
        Value d;
        d.kind = Kind::DICT;
        stack_.push_back(make(std::move(d)));
        return;
      }
      case Callable::REBUILD_TENSOR_V2: {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.size() != 6 && args.size() != 7)
          corrupt(cat("_rebuild_tensor_v2 takes 6 or 7 arguments, got ", args.size()));
        const Value& st = expect(args[0], Kind::STORAGE, "_rebuild_tensor_v2's storage");
        TorchTensorRecord r;
        r.storage_key = st.s;
        r.location = st.s2;
        r.storage_numel = st.i;
        r.storage_offset = expect(args[1], Kind::INT, "_rebuild_tensor_v2's storage_offset").i;
        for (const uint32_t i : expect(args[2], Kind::TUPLE, "_rebuild_tensor_v2's size").items)
          r.shape.push_back(expect(i, Kind::INT, "a size").i);
        for (const uint32_t i : expect(args[3], Kind::TUPLE, "_rebuild_tensor_v2's stride").items)
          r.stride.push_back(expect(i, Kind::INT, "a stride").i);
        if (at(args[4]).kind != Kind::BOOL)
          corrupt("_rebuild_tensor_v2's requires_grad is not a bool");
        const Kind hooks = at(args[5]).kind;
        if (hooks != Kind::DICT && hooks != Kind::NONE)
          corrupt("_rebuild_tensor_v2's backward_hooks is not a dict");
        // An unsupported dtype is reported with the tensor's name, in records().
        unsupported_dtype_.push_back(st.dtype ? std::string() : st.type_name);
        if (st.dtype) r.dtype = *st.dtype;
        tensors_.push_back(std::move(r));
        stack_.push_back(make_int(Kind::TENSOR, static_cast<int64_t>(tensors_.size() - 1)));
        return;
      }
      case Callable::REBUILD_PARAMETER: {
        // (tensor, requires_grad, backward_hooks): the parameter is its tensor.
        if (args.size() != 3)
          corrupt(cat("_rebuild_parameter takes 3 arguments, got ", args.size()));
        expect(args[0], Kind::TENSOR, "_rebuild_parameter's data");
        stack_.push_back(args[0]);
        return;
      }
      case Callable::STORAGE_CLASS:
        unsupported(cat("refused call of ", fn.s, " (storages come only as persistent ids)"));
    }
  }

  void persistent_id() {
    // ('storage', torch.FloatStorage, KEY, location, numel)
    const Value& pid = expect(pop("BINPERSID"), Kind::TUPLE, "the persistent id");
    if (pid.items.size() != 5 || at(pid.items[0]).kind != Kind::STR ||
        at(pid.items[0]).s != "storage")
      corrupt("the persistent id is not a ('storage', class, key, location, numel) tuple");
    const Value& cls = expect(pid.items[1], Kind::CALLABLE, "the storage class");
    if (cls.callable != Callable::STORAGE_CLASS) corrupt(cat(cls.s, " is not a storage class"));
    Value v;
    v.kind = Kind::STORAGE;
    v.s = expect(pid.items[2], Kind::STR, "the storage key").s;
    const std::string& location = expect(pid.items[3], Kind::STR, "the storage location").s;
    v.i = expect(pid.items[4], Kind::INT, "the storage numel").i;
    if (v.i < 0 || v.i > kMaxElements) corrupt(cat("storage ", printable(v.s), ": numel ", v.i));
    v.dtype = cls.dtype;
    v.s2 = location;
    v.type_name = cls.s;
    stack_.push_back(make(std::move(v)));
  }

  void step(uint8_t op) {
    switch (op) {
      case 0x80: {  // PROTO
        const auto v = read_le(1, "PROTO");
        if (v < 2 || v > 5) unsupported(cat("pickle protocol ", v));
        return;
      }
      case 0x95:  // FRAME: a length hint for buffered readers
        check_bytes(read_le(8, "FRAME"), "FRAME's contents");
        return;
      case '(':
        marks_.push_back(stack_.size());
        return;
      case '}':
      case ']':
      case ')': {
        Value v;
        v.kind = op == '}' ? Kind::DICT : op == ']' ? Kind::LIST : Kind::TUPLE;
        stack_.push_back(make(std::move(v)));
        return;
      }
      case 'N':
        stack_.push_back(make_int(Kind::NONE, 0));
        return;
      case 0x88:
      case 0x89:
        stack_.push_back(make_int(Kind::BOOL, op == 0x88));
        return;
      case 'J':
        stack_.push_back(make_int(Kind::INT, static_cast<int32_t>(read_le(4, "BININT"))));
        return;
      case 'K':
        stack_.push_back(make_int(Kind::INT, static_cast<int64_t>(read_le(1, "BININT1"))));
        return;
      case 'M':
        stack_.push_back(make_int(Kind::INT, static_cast<int64_t>(read_le(2, "BININT2"))));
        return;
      case 0x8a: {  // LONG1: n bytes of little-endian two's complement
        const int n = static_cast<int>(read_le(1, "LONG1"));
        if (n > 8) unsupported(cat("LONG1 integer of ", n, " bytes (at most 8)"));
        uint64_t v = read_le(n, "LONG1");
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) != 0) v |= ~uint64_t{0} << (8 * n);  // sign
        stack_.push_back(make_int(Kind::INT, static_cast<int64_t>(v)));
        return;
      }
      case 'X':
      case 0x8c: {
        const uint64_t n = op == 'X' ? read_le(4, "BINUNICODE") : read_le(1, "SHORT_BINUNICODE");
        Value v;
        v.kind = Kind::STR;
        v.s = std::string(take(n, op == 'X' ? "BINUNICODE" : "SHORT_BINUNICODE"));
        stack_.push_back(make(std::move(v)));
        return;
      }
      case 'c': {
        const std::string_view module = line("module");
        const std::string_view name = line("name");
        global(module, name);
        return;
      }
      case 0x93: {  // STACK_GLOBAL
        const std::string name = expect(pop("STACK_GLOBAL"), Kind::STR, "STACK_GLOBAL's name").s;
        const std::string module =
            expect(pop("STACK_GLOBAL"), Kind::STR, "STACK_GLOBAL's module").s;
        global(module, name);
        return;
      }
      case 't':
        tuple(pop_mark("TUPLE"));
        return;
      case 0x85:
      case 0x86:
      case 0x87: {
        std::vector<uint32_t> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop(opcode_name(op));
        tuple(std::move(items));
        return;
      }
      case 'q':
        memo_put(read_le(1, "BINPUT"));
        return;
      case 'r':
        memo_put(read_le(4, "LONG_BINPUT"));
        return;
      case 0x94:
        memo_put(memo_.size());
        return;
      case 'h':
        memo_get(read_le(1, "BINGET"));
        return;
      case 'j':
        memo_get(read_le(4, "LONG_BINGET"));
        return;
      case 'R':
        reduce();
        return;
      case 'Q':
        persistent_id();
        return;
      case 'b': {  // BUILD: only the OrderedDict's attribute dict (state_dict()._metadata), ignored
        const Kind state = at(pop("BUILD")).kind;
        const Kind obj = at(top("BUILD")).kind;
        if (obj != Kind::DICT || (state != Kind::DICT && state != Kind::NONE))
          unsupported(cat("BUILD of a ", kind_name(obj), " with a ", kind_name(state),
                          " (only a dict's attributes are accepted)"));
        return;
      }
      case 's': {
        const uint32_t value = pop("SETITEM");
        const uint32_t key = pop("SETITEM");
        Value& d = expect(top("SETITEM"), Kind::DICT, "SETITEM's target");
        d.items.push_back(key);
        d.items.push_back(value);
        return;
      }
      case 'u': {
        const std::vector<uint32_t> kv = pop_mark("SETITEMS");
        if (kv.size() % 2 != 0) corrupt("SETITEMS with an odd number of values");
        Value& d = expect(top("SETITEMS"), Kind::DICT, "SETITEMS's target");
        d.items.insert(d.items.end(), kv.begin(), kv.end());
        return;
      }
      case 'a': {
        const uint32_t value = pop("APPEND");
        expect(top("APPEND"), Kind::LIST, "APPEND's target").items.push_back(value);
        return;
      }
      case 'e': {
        const std::vector<uint32_t> vs = pop_mark("APPENDS");
        Value& l = expect(top("APPENDS"), Kind::LIST, "APPENDS's target");
        l.items.insert(l.items.end(), vs.begin(), vs.end());
        return;
      }
      default: {
        const char* name = opcode_name(op);
        if (name == nullptr) corrupt(cat("unknown pickle opcode 0x", std::hex, int{op}));
        unsupported(cat("refused pickle opcode ", name,
                        " (only what torch.save writes for a state "
                        "dict is accepted)"));
      }
    }
  }

  // The top-level dict as validated records.
  std::vector<TorchTensorRecord> records(uint32_t root) {
    const Value& d = values_[root];
    if (d.kind != Kind::DICT)
      unsupported(cat("the checkpoint is a ", kind_name(d.kind), ", not a dict of tensors"));
    std::vector<TorchTensorRecord> out;
    std::set<std::string> seen;
    std::unordered_map<std::string, std::pair<DType, int64_t>> storages;
    for (size_t k = 0; k + 1 < d.items.size(); k += 2) {
      const Value& key = values_[d.items[k]];
      const Value& value = values_[d.items[k + 1]];
      if (key.kind != Kind::STR)
        unsupported(cat("a key of the checkpoint is a ", kind_name(key.kind), ", not a str"));
      const std::string where = cat(origin_, ": tensor ", printable(key.s));
      if (value.kind != Kind::TENSOR)
        throw Error(ErrorCode::UNSUPPORTED, cat(where, ": is a ", kind_name(value.kind),
                                                ", not a tensor (only a flat "
                                                "state dict of tensors is supported)"));
      if (!seen.insert(key.s).second)
        throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": appears twice"));
      const size_t ti = static_cast<size_t>(value.i);
      if (!unsupported_dtype_[ti].empty())
        throw Error(ErrorCode::UNSUPPORTED,
                    cat(where, ": dtype of ", unsupported_dtype_[ti], " is not supported"));
      TorchTensorRecord r = tensors_[ti];
      r.name = key.s;
      validate(r, where);
      auto [it, fresh] = storages.emplace(r.storage_key, std::make_pair(r.dtype, r.storage_numel));
      if (!fresh && it->second != std::make_pair(r.dtype, r.storage_numel))
        throw Error(ErrorCode::CORRUPT_FILE,
                    cat(where, ": storage ", printable(r.storage_key), " is ", r.storage_numel,
                        " x ", dtype_name(r.dtype), " here but ", it->second.second, " x ",
                        dtype_name(it->second.first), " for another tensor"));
      out.push_back(std::move(r));
    }
    return out;
  }

  static void validate(const TorchTensorRecord& r, const std::string& where) {
    auto fail = [&](const std::string& msg) {
      throw Error(ErrorCode::CORRUPT_FILE, cat(where, ": ", msg));
    };
    if (r.shape.size() != r.stride.size())
      fail(cat(r.shape.size(), " sizes but ", r.stride.size(), " strides"));
    if (r.shape.size() > kMaxDims)
      fail(cat(r.shape.size(), " dimensions (at most ", kMaxDims, ")"));
    if (r.storage_offset < 0) fail(cat("negative storage offset ", r.storage_offset));
    int64_t numel = 1, last = 0;  // last: the largest element index reached, minus the offset
    for (size_t d = 0; d < r.shape.size(); ++d) {
      if (r.shape[d] < 0) fail(cat("negative size ", r.shape[d], " in ", shape_str(r.shape)));
      if (r.stride[d] < 0) fail(cat("negative stride ", r.stride[d]));
      if (__builtin_mul_overflow(numel, r.shape[d], &numel) || numel > kMaxElements)
        fail(cat("size ", shape_str(r.shape), " overflows"));
    }
    if (numel == 0) {
      if (r.storage_offset > r.storage_numel)
        fail(cat("storage offset ", r.storage_offset, " beyond storage of ", r.storage_numel));
      return;
    }
    for (size_t d = 0; d < r.shape.size(); ++d) {
      int64_t reach = 0;
      if (__builtin_mul_overflow(r.shape[d] - 1, r.stride[d], &reach) ||
          __builtin_add_overflow(last, reach, &last))
        fail(cat("strides ", shape_str(r.stride), " overflow"));
    }
    int64_t end = 0;
    if (__builtin_add_overflow(r.storage_offset, last, &end) || end >= r.storage_numel)
      fail(cat("offset ", r.storage_offset, " with size ", shape_str(r.shape), " and stride ",
               shape_str(r.stride), " reaches past storage ", printable(r.storage_key), " of ",
               r.storage_numel, " elements"));
    if (numel > r.storage_numel)
      throw Error(ErrorCode::UNSUPPORTED,
                  cat(where, ": ", numel, " elements view a storage of ", r.storage_numel,
                      " (broadcast views larger than their storage are not supported)"));
  }

  std::string_view b_;
  const std::string& origin_;
  size_t pos_ = 0, op_pos_ = 0;
  std::deque<Value> values_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, uint32_t> memo_;
  std::vector<TorchTensorRecord> tensors_;
  std::vector<std::string> unsupported_dtype_;  // per tensors_ entry: "" or the storage class
};

}  // namespace

std::vector<TorchTensorRecord> parse_torch_pickle(std::string_view bytes,
                                                  const std::string& origin) {
  return Unpickler(bytes, origin).run();
}

}  // namespace bertq::io
