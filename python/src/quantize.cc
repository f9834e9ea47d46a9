// bertq._bertq._quantize: the `bertq quantize` job (quant/quantize_job.h) with the CLI's
// options as keywords (their defaults are QuantizeJob's own), run with the GIL released; the
// report comes back as JSON text (bertq.quantize parses it into a dict). `progress`, when
// given, receives each line the CLI would print.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "data/hub.h"
#include "quant/quantize_job.h"

namespace bertq::python {
namespace {

std::string quantize(const std::filesystem::path& model, const std::filesystem::path& out,
                     const std::string& scheme, const std::string& embeddings,
                     const std::string& activation_range, const std::vector<std::string>& keep_fp32,
                     const std::optional<std::string>& calibration, size_t samples,
                     const std::string& observer, double percentile,
                     const std::optional<std::string>& eval, size_t eval_samples,
                     std::optional<int> max_length, uint64_t seed, bool sensitivity,
                     std::optional<double> max_drop, std::optional<double> min_agreement,
                     bool force, const py::object& progress) {
  quant::QuantizeJob job;
  job.model = data::resolve_model(model.string());
  job.out = out.string();
  job.options.scheme = quant::parse_scheme(scheme);
  job.options.int8_embeddings = quant::parse_embeddings(embeddings);
  job.options.activation_qmax = quant::parse_activation_range(activation_range);
  job.options.keep_fp32 = keep_fp32;
  job.options.observer = quant::parse_observer(observer);
  job.options.percentile = percentile;
  job.calibration = calibration.value_or("");
  job.calibration_samples = samples;
  job.eval = eval.value_or("");
  job.eval_samples = eval_samples;
  job.tokenization.max_length = max_length;
  job.seed = seed;
  job.sensitivity = sensitivity;
  if (max_drop) job.target.max_drop = *max_drop;
  if (min_agreement) job.target.min_agreement = *min_agreement;
  job.force = force;
  auto print = [&progress](const std::string& line) {
    if (progress.is_none()) return;
    py::gil_scoped_acquire acquire;
    progress(line);
  };
  py::gil_scoped_release release;
  return quant::run_quantize_job(job, print).dump();
}

}  // namespace

void bind_quantize(py::module_& m) {
  const quant::QuantizeJob d;
  m.def("_quantize", &quantize, py::arg("model"), py::arg("out"),
        py::arg("scheme") = std::string(quant::scheme_name(d.options.scheme)), py::kw_only(),
        py::arg("embeddings") = std::string(d.options.int8_embeddings ? "int8" : "fp32"),
        py::arg("activation_range") = std::to_string(d.options.activation_qmax),
        py::arg("keep_fp32") = d.options.keep_fp32, py::arg("calibration") = py::none(),
        py::arg("samples") = d.calibration_samples,
        py::arg("observer") = std::string(quant::observer_name(d.options.observer)),
        py::arg("percentile") = d.options.percentile, py::arg("eval") = py::none(),
        py::arg("eval_samples") = d.eval_samples, py::arg("max_length") = py::none(),
        py::arg("seed") = d.seed, py::arg("sensitivity") = d.sensitivity,
        py::arg("max_drop") = py::none(), py::arg("min_agreement") = py::none(),
        py::arg("force") = d.force, py::arg("progress") = py::none(),
        "Runs the `bertq quantize` job; returns its report as JSON");
}

}  // namespace bertq::python
