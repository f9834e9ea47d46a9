// What a quantized folder's config.json says about how its INT8 layers run: the activation
// range, chosen once by `bertq quantize` and written as quantization_config.activations.qmax
// (127: u7 activations, [0, 127]; 255: full u8, [0, 255]; rule in kernels/int8_scheme.h). The
// engine, the calibration and the ONNX export all take the range from here, so one folder gives
// one answer on every CPU.
//
//   const int qmax = bertq::io::activation_qmax(cfg, "m/config.json", legacy_probe);
#pragma once

#include <string>

#include "io/bert_config.h"

namespace bertq::io {

// quantization_config.activations.qmax of a quantized folder. Folders written before the field
// existed (bertq quantize format_version 1 without it) get `legacy()` (the range the engine
// probed from the CPU then) and a log note saying so; FP32 folders (and another tool's
// quantization_config, quant_method other than "bertq") get 0.
// CORRUPT_FILE naming `origin` and the field for any other value than 127 or 255.
int activation_qmax(const BertConfig& config, const std::string& origin, int (*legacy)());

}  // namespace bertq::io
