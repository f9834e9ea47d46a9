// PyTorch checkpoints (`torch.save` of a state dict, e.g. Hugging Face pytorch_model.bin), read
// without executing anything.
//
// Format (PyTorch >= 1.6): a zip archive whose entries share one folder ARCHIVE/:
//   ARCHIVE/data.pkl    a pickle of {name: tensor} (a dict or collections.OrderedDict)
//   ARCHIVE/data/KEY    the raw little-endian bytes of storage KEY
//   ARCHIVE/byteorder   "little" (absent in older files: little)
//   ARCHIVE/version ...  ignored
// Each tensor in data.pkl is torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
// stride, requires_grad, backward_hooks) where storage is a persistent id (BINPERSID) tuple
// ('storage', torch.FloatStorage, KEY, location, numel). Several tensors may share a storage.
//
// The unpickler is not Python's: it interprets a whitelist of opcodes (those torch.save emits
// for a state dict, plus the protocol-4 FRAME / SHORT_BINUNICODE / STACK_GLOBAL / MEMOIZE) and
// resolves GLOBAL only to collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter and the torch.*Storage classes; it calls nothing. Any other
// opcode or global (posix.system, builtins.eval, ...) is an UNSUPPORTED error naming it and its
// byte offset in data.pkl:
//   "m/pytorch_model.bin: data.pkl: byte 2: refused pickle global posix.system (only tensors
//    and an ordered dict are accepted)"
// Malformed input (truncation, bad memo index, stack underflow, wrong argument types,
// negative sizes or strides, a tensor reaching past its storage, numel overflow, a storage
// missing from the zip or of the wrong size) is CORRUPT_FILE; messages start with the path.
// The top-level object must be a flat dict of str -> tensor (nested checkpoints such as
// {"model": state_dict, "optimizer": ...} are UNSUPPORTED). The legacy (pre-1.6, non-zip)
// format and big-endian checkpoints are UNSUPPORTED.
//
// Tensors are copied out contiguous, row-major. Non-contiguous strides are gathered correctly
// (e.g. a saved transpose); strides must be >= 0 and a tensor may not hold more elements than
// its storage (a broadcast view larger than its storage is UNSUPPORTED). Storage dtypes:
// Float F32, Half F16, BFloat16 BF16, Double F64, Long I64, Int I32, Short I16, Char I8,
// Byte U8, Bool BOOL; complex and quantized storages are UNSUPPORTED naming the tensor.
// Memory: the storages are read into memory (zip entries may be deflated; the decompressed
// total is capped at 16x the archive size + 64 MiB); a tensor that is the whole of a storage
// no other tensor uses takes over its buffer, so a typical checkpoint peaks near 1x its size.
//
//   for (auto& t : bertq::io::read_torch_bin("m/pytorch_model.bin")) use(t.name, t.data);
//   SafeTensorsWriter w;  add_torch_tensors(w, read_torch_bin(path));  w.write(out);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/dtype.h"
#include "io/safetensors.h"

namespace bertq::io {

// One tensor as data.pkl describes it (element units, not bytes).
struct TorchTensorRecord {
  std::string name;
  std::string storage_key;  // KEY: the bytes are entry ARCHIVE/data/KEY
  DType dtype = DType::F32;
  int64_t storage_numel = 0;  // elements in the storage (from the persistent id)
  std::string location;       // "cpu", "cuda:0": informational
  int64_t storage_offset = 0;
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
};

// Interprets the bytes of data.pkl; `origin` starts every error message (e.g.
// "m/pytorch_model.bin: data.pkl"). The records are validated against their storage's numel
// from the pickle (offset + extent, strides, overflow), in the dict's order.
std::vector<TorchTensorRecord> parse_torch_pickle(std::string_view bytes,
                                                  const std::string& origin);

struct TorchBinTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  // numel * dtype_size bytes, contiguous row-major, little-endian
};

// Reads a torch.save zip checkpoint from a file (NOT_FOUND if absent) or from memory (`origin`
// stands for the path in messages). Tensors come in data.pkl's order.
std::vector<TorchBinTensor> read_torch_bin(const std::string& path);
std::vector<TorchBinTensor> read_torch_bin_bytes(std::string_view bytes, const std::string& origin);

// Moves the tensors into `writer` (add_owned) under their checkpoint names.
void add_torch_tensors(SafeTensorsWriter& writer, std::vector<TorchBinTensor> tensors);

}  // namespace bertq::io
