// Post-training INT8 quantization of a BERT classifier folder (scheme in kernels/int8_scheme.h).
//
// Every encoder Linear (Q, K, V, attention output, FFN in/out) and the pooler become I8
// "<name>" + F32 "<name>_scale" [N] (symmetric, per output channel); with int8 embeddings the
// word and position tables become I8 + per-row "<name>_scale" [rows]. The static scheme adds
// F32 "<weight>_input_range" [2] = calibrated [lo, hi] of each Linear input. The classifier,
// token-type table, biases and LayerNorms stay F32. config.json gets a "quantization_config"
// block describing the scheme exactly. Tensors whose name matches a --keep-fp32 glob stay F32.
//
//   auto fp32 = bertq::io::ModelFolder::load("models/imdb");
//   bertq::quant::QuantizeOptions o;  o.scheme = bertq::quant::Scheme::STATIC;
//   auto ranges = bertq::quant::calibrate(*fp32_model, calib_ids, o);
//   bertq::quant::QuantizedModel q = bertq::quant::quantize(fp32, o, &ranges);
//   bertq::quant::write_quantized_folder("models/imdb-int8", q, "models/imdb");
//   auto int8_model = bertq::quant::load_in_memory(q, {});   // no files written
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/model.h"
#include "io/model_folder.h"
#include "kernels/int8_scheme.h"

namespace bertq::quant {

enum class Scheme { DYNAMIC, STATIC };
enum class ObserverKind { MINMAX, PERCENTILE, MSE };

Scheme parse_scheme(const std::string& s);          // "dynamic" | "static"
ObserverKind parse_observer(const std::string& s);  // "minmax" | "percentile" | "mse"
bool parse_embeddings(const std::string& s);        // "int8" -> true | "fp32" -> false
const char* scheme_name(Scheme s);
const char* observer_name(ObserverKind o);

struct QuantizeOptions {
  Scheme scheme = Scheme::DYNAMIC;
  bool int8_embeddings = true;
  std::vector<std::string> keep_fp32;  // globs over tensor names, e.g. "*layer.11.output.dense*"
  ObserverKind observer = ObserverKind::MINMAX;
  double percentile = 99.99;  // PERCENTILE: keep this % of each side's values
  // The activation range the folder is made for (kernels/int8_scheme.h), written into
  // quantization_config.activations.qmax: every CPU then runs it exactly.
  int activation_qmax = kernels::kActQMaxDefault;
};

// "127" / "255" (--activation-range) -> qmax; INVALID_ARGUMENT otherwise.
int parse_activation_range(const std::string& s);

// Calibrated [lo, hi] per Linear weight name (static scheme).
using Ranges = std::map<std::string, std::pair<float, float>>;

struct QuantizedModel {
  io::BertConfig config;  // with quantization_config
  std::shared_ptr<io::SafeTensorsWriter> tensors;
  std::vector<std::string> int8, kept_fp32;  // weight / table names
  size_t bytes() const;                      // safetensors payload
};

// Quantizes `fp32` (F32 weights). ranges: required for Scheme::STATIC.
QuantizedModel quantize(const io::ModelFolder& fp32, const QuantizeOptions& options,
                        const Ranges* ranges = nullptr);

// The engine model of a quantized model, straight from memory.
std::shared_ptr<const engine::Model> load_in_memory(const QuantizedModel& q,
                                                    const engine::EngineOptions& options);

// Writes OUT/{config.json, model.safetensors} plus the tokenizer files of `tokenizer_from` and
// `extra_files` (name, contents) with write_dir_atomic (core/file_util.h), so whenever the
// process stops OUT is the old folder or the new one, whole. OUT must not exist unless
// overwrite, in which case the old folder is replaced.
void write_quantized_folder(
    const std::string& out, const QuantizedModel& q, const std::string& tokenizer_from,
    bool overwrite = false,
    const std::vector<std::pair<std::string, std::string>>& extra_files = {});

// Runs the FP32 model over calibration batches (token ids) and reduces every encoder Linear's
// input values to a range with the chosen observer.
Ranges calibrate(const engine::Model& fp32, const std::vector<std::vector<int32_t>>& ids,
                 const QuantizeOptions& options, int batch_size = 8);

// Whether `name` matches any glob ('*' and '?').
bool matches_any(const std::string& name, const std::vector<std::string>& globs);

}  // namespace bertq::quant
