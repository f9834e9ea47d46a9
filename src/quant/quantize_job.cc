// run_quantize_job (see quantize_job.h). Accuracy-aware mode: the per-layer sensitivity table
// ranks encoder layers by the harm of quantizing that layer alone (AccuracyTarget::rank); the
// most harmful are kept in FP32 one at a time until every target is met or every layer is kept.
#include "quant/quantize_job.h"

#include <algorithm>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::quant {
namespace {

nlohmann::json fid_json(const Fidelity& f) {
  return {{"n", f.n},
          {"agreement_pct", f.agreement},
          {"logit_rel_err_mean", f.rel_err_mean},
          {"logit_rel_err_max", f.rel_err_max},
          {"accuracy_fp32_pct", f.accuracy_fp32},
          {"accuracy_int8_pct", f.accuracy_int8}};
}

}  // namespace

engine::TokenizationSettings quantize_tokenization(const QuantizeJob& job,
                                                   const io::BertConfig& config) {
  return engine::resolve_tokenization(config, job.tokenization, kQuantizeTokenizationDefaults);
}

nlohmann::json run_quantize_job(const QuantizeJob& job,
                                const std::function<void(const std::string&)>& print) {
  check(!job.target.any() || !job.eval.empty(), ErrorCode::INVALID_ARGUMENT,
        "--max-drop / --min-agreement need --eval DATA");
  const io::ModelFolder fp32 = io::ModelFolder::load(job.model);
  QuantizeOptions o = job.options;
  nlohmann::json report = {{"model", job.model},
                           {"out", job.out},
                           {"scheme", scheme_name(o.scheme)},
                           {"embeddings", o.int8_embeddings ? "int8" : "fp32"},
                           {"keep_fp32", o.keep_fp32},
                           {"activation_qmax", o.activation_qmax}};
  std::shared_ptr<const engine::Model> fp32_model;
  std::unique_ptr<text::Tokenizer> tok;
  auto need_model = [&] {
    if (!fp32_model) fp32_model = engine::Model::from_folder(fp32, {});
    if (!tok) tok = std::make_unique<text::Tokenizer>(text::Tokenizer::from_folder(job.model));
  };
  const engine::TokenizationSettings ts = quantize_tokenization(job, fp32.config);
  auto tokenized = [&](const std::string& use, const std::string& spec, size_t n, uint64_t seed) {
    EvalSet set = make_eval_set(spec, n, seed, *tok, fp32.config, ts.recipe);
    if (job.inspect_set) job.inspect_set(use, set);
    return set;
  };
  if (o.scheme == Scheme::STATIC || !job.eval.empty()) {
    report["tokenization"] = ts.to_json();
    print("tokenization: " + ts.describe());
  }
  Ranges ranges;
  if (o.scheme == Scheme::STATIC) {
    check(!job.calibration.empty(), ErrorCode::INVALID_ARGUMENT,
          "--scheme static needs --calibration DATA (e.g. imdb:train)");
    need_model();
    const EvalSet cal =
        tokenized("calibration", job.calibration, job.calibration_samples, job.seed + 1);
    ranges = calibrate(*fp32_model, cal.ids, o);
    print(cat("calibrated ", ranges.size(), " Linear inputs on ", cal.ids.size(), " sequences of ",
              job.calibration, " (observer ", observer_name(o.observer), ")"));
    report["calibration"] = {{"data", job.calibration},
                             {"samples", cal.ids.size()},
                             {"observer", observer_name(o.observer)}};
  }
  const Ranges* rp = o.scheme == Scheme::STATIC ? &ranges : nullptr;
  QuantizedModel q = quantize(fp32, o, rp);
  if (!job.eval.empty()) {
    need_model();
    const EvalSet set = tokenized("eval", job.eval, job.eval_samples, job.seed);
    print(cat("evaluating on ", set.ids.size(), " sequences of ", job.eval));
    const auto l32 = run_logits(fp32_model, set);
    Fidelity f = compare(l32, run_logits(load_in_memory(q, {}), set), set.labels);
    print("INT8 vs FP32: " + f.to_string());
    std::vector<LayerSensitivity> sens;
    if (job.sensitivity || (job.target.any() && !job.target.met(f))) {
      sens = layer_sensitivity(fp32, o, rp, set, l32);
      nlohmann::json t = nlohmann::json::array();
      print("per-layer sensitivity (only that encoder layer in INT8):");
      for (const auto& s : sens) {
        print(cat("  layer ", s.layer, ": ", s.fidelity.to_string()));
        t.push_back({{"layer", s.layer}, {"fidelity", fid_json(s.fidelity)}});
      }
      report["sensitivity"] = t;
    }
    if (job.target.any()) {
      std::vector<LayerSensitivity> rank = sens;
      job.target.rank(rank);
      std::vector<int> kept;
      for (const auto& s : rank) {
        if (job.target.met(f)) break;
        kept.push_back(s.layer);
        o.keep_fp32.push_back(layer_glob(s.layer));
        q = quantize(fp32, o, rp);
        f = compare(l32, run_logits(load_in_memory(q, {}), set), set.labels);
        print(cat("kept layer ", s.layer, " in FP32: ", f.to_string()));
      }
      nlohmann::json aware = job.target.to_json();
      aware["kept_layers"] = kept;
      aware["met"] = job.target.met(f);
      report["accuracy_aware"] = aware;
    }
    report["fidelity"] = fid_json(f);
  }
  report["int8_tensors"] = q.int8.size();
  report["kept_fp32_tensors"] = q.kept_fp32;
  report["safetensors_bytes"] = q.bytes();
  // A folder without tokenizer files (e.g. a benchmark model) is quantized all the same.
  write_quantized_folder(job.out, q, fp32.has_tokenizer() ? job.model : "", job.force,
                         {{"quantization_report.json", report.dump(2) + "\n"}});
  print(cat("wrote ", job.out, " (", q.int8.size(), " int8 tensors, ", q.kept_fp32.size(),
            " kept fp32, model.safetensors ", q.bytes() / 1e6,
            " MB payload) + quantization_report.json"));
  return report;
}

}  // namespace bertq::quant
