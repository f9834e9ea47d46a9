// `bertq quantize`: post-training INT8 quantization of an FP32 model folder (library:
// quant/quantize_job.h; scheme: kernels/int8_scheme.h). Prints the fidelity report and writes
// it to OUT/quantization_report.json.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "quant/quantize_job.h"

namespace bertq::cli {
namespace {

struct QuantizeArgs {
  quant::QuantizeJob job;
  std::string scheme = "dynamic", embeddings = "int8", observer = "minmax";
  std::string activation_range = std::to_string(quant::QuantizeOptions{}.activation_qmax);
};

Command reg("quantize", 35, [](CLI::App& app) {
  auto a = std::make_shared<QuantizeArgs>();
  quant::QuantizeJob& j = a->job;
  auto* cmd = app.add_subcommand("quantize", "Post-training INT8 quantization of a model folder");
  add_model_option(cmd, "--model", j.model, "FP32 model")->required()->group("Model");
  cmd->add_option("--out", j.out, "Output INT8 model folder")->required()->group("Output");
  cmd->add_flag("--force", j.force, "Replace --out if it exists")->group("Output");
  cmd->add_option("--scheme", a->scheme, "dynamic (per-row activations at run time) or static")
      ->capture_default_str()
      ->group("Scheme");
  cmd->add_option("--activation-range", a->activation_range,
                  "INT8 activations in [0, 127] (exact in one GEMM on every CPU) or [0, 255] "
                  "(one more bit; one GEMM with VNNI, two without); recorded in the folder")
      ->capture_default_str()
      ->group("Scheme");
  cmd->add_option("--embeddings", a->embeddings, "int8 (per-row scales) or fp32")
      ->capture_default_str()
      ->group("Scheme");
  cmd->add_option("--keep-fp32", j.options.keep_fp32,
                  "Tensor-name globs kept in FP32, e.g. '*layer.11.output.dense*'")
      ->group("Scheme");
  cmd->add_option("--calibration", j.calibration, "Calibration data (static), e.g. imdb:train")
      ->group("Static scheme");
  cmd->add_option("--samples", j.calibration_samples, "Calibration sequences")
      ->capture_default_str()
      ->group("Static scheme");
  cmd->add_option("--observer", a->observer, "minmax, percentile or mse")
      ->capture_default_str()
      ->group("Static scheme");
  cmd->add_option("--percentile", j.options.percentile, "Percentile observer: % kept per side")
      ->capture_default_str()
      ->group("Static scheme");
  cmd->add_option("--eval", j.eval, "Evaluation data for the fidelity report, e.g. imdb:test")
      ->group("Fidelity");
  cmd->add_option("--eval-samples", j.eval_samples, "Evaluation examples (stratified)")
      ->capture_default_str()
      ->group("Fidelity");
  auto tokenization = std::make_shared<TokenizationFlags>();
  tokenization->add(cmd, "Fidelity", quant::kQuantizeTokenizationDefaults);
  cmd->add_option("--seed", j.seed, "Sampling seed")->capture_default_str()->group("Fidelity");
  cmd->add_flag("--sensitivity", j.sensitivity, "Per-layer sensitivity table")->group("Fidelity");
  cmd->add_option("--max-drop", j.target.max_drop,
                  "Accuracy-aware: keep the most sensitive layers in FP32 until the accuracy "
                  "drop (points) is at most this (needs --eval)")
      ->group("Fidelity");
  cmd->add_option("--min-agreement", j.target.min_agreement,
                  "Accuracy-aware: keep the most sensitive layers in FP32 until at least this % "
                  "of predictions equal FP32's (needs --eval; with --max-drop both must hold)")
      ->check(CLI::Range(0.0, 100.0))
      ->group("Fidelity");
  cmd->callback([a, tokenization] {
    a->job.tokenization = tokenization->given();
    a->job.options.scheme = quant::parse_scheme(a->scheme);
    a->job.options.observer = quant::parse_observer(a->observer);
    a->job.options.int8_embeddings = quant::parse_embeddings(a->embeddings);
    a->job.options.activation_qmax = quant::parse_activation_range(a->activation_range);
    quant::run_quantize_job(a->job, [](const std::string& l) { std::printf("%s\n", l.c_str()); });
  });
});

}  // namespace
}  // namespace bertq::cli
