// activation_qmax (see quantization_config.h).
#include "io/quantization_config.h"

#include "core/error.h"
#include "core/log.h"

namespace bertq::io {

int activation_qmax(const BertConfig& config, const std::string& origin, int (*legacy)()) {
  const auto qc = config.extra.find("quantization_config");
  if (qc == config.extra.end()) return 0;
  const std::string field = "quantization_config.activations.qmax";
  check(qc->is_object(), ErrorCode::CORRUPT_FILE, origin,
        ": field quantization_config: expected an object");
  // Another tool's block (e.g. bitsandbytes): not a bertq INT8 folder.
  if (qc->value("quant_method", std::string()) != "bertq") return 0;
  const auto acts = qc->find("activations");
  if (acts != qc->end() && acts->is_object() && acts->contains("qmax")) {
    const nlohmann::json& v = (*acts)["qmax"];
    check(v.is_number_integer() && (v.get<int64_t>() == 127 || v.get<int64_t>() == 255),
          ErrorCode::CORRUPT_FILE, origin, ": field ", field, ": expected 127 or 255, got ",
          v.dump());
    return v.get<int>();
  }
  const int q = legacy();
  log_info(cat(origin, ": no ", field,
               " (quantized before the range was recorded): running it as "
               "this CPU's INT8 engine did then, activations in [0, ",
               q,
               "]; answers may differ on CPUs of another kind. `bertq quantize` again records "
               "the range"));
  return q;
}

}  // namespace bertq::io
