// bertq._bertq.engine::Classifier: a model folder or a hub name in bertq's cache (resolved as the
// CLI's
// --model, data::resolve_model), its tokenization resolved once as `bertq predict` resolves it
// (an argument > config.json "bertq" block > default, engine/tokenization_rule.h), and
// predict_batch running bertq::engine::Classifier::predict with the GIL released, so Python threads
// run (and predict) meanwhile. The pipeline-style predict() is Python (bertq/__init__.py).
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "data/hub.h"
#include "engine/classifier.h"
#include "engine/tokenization_rule.h"

namespace bertq::python {
namespace {

engine::EngineOptions engine_options(int threads, const std::string& compute) {
  engine::EngineOptions o;
  o.threads = threads;
  o.compute = engine::parse_compute(compute);
  return o;
}

struct PyClassifier {
  PyClassifier(const std::filesystem::path& model, int threads, const std::string& compute,
               std::optional<int> max_length, std::optional<std::string> truncation,
               std::optional<int> head_tokens, int batch_size)
      : model_dir(data::resolve_model(model.string())),
        classifier(model_dir, engine_options(threads, compute)) {
    options.tokenization.max_length = max_length;
    options.tokenization.truncation = truncation;
    options.tokenization.head_tokens = head_tokens;
    tokenization = classifier.tokenization(options.tokenization);  // checked now, reported
    options.batch_size = batch_size;
  }

  std::string model_dir;
  engine::Classifier classifier;
  engine::TokenizationSettings tokenization;
  engine::PredictOptions options;
};

}  // namespace

void bind_classifier(py::module_& m) {
  py::class_<engine::Prediction>(m, "Prediction", "One text's result (bertq::engine::Prediction)")
      .def_readonly("label_id", &engine::Prediction::label_id)
      .def_readonly("label", &engine::Prediction::label)
      .def_readonly("score", &engine::Prediction::score, "probs[label_id]")
      .def_readonly("logits", &engine::Prediction::logits)
      .def_readonly("probs", &engine::Prediction::probs, "softmax(logits)")
      .def("__repr__", [](const engine::Prediction& p) {
        return "Prediction(label=" + py::repr(py::str(p.label)).cast<std::string>() +
               ", score=" + py::repr(py::float_(p.score)).cast<std::string>() + ")";
      });

  const engine::EngineOptions eo;
  const engine::PredictOptions po;
  py::class_<PyClassifier>(m, "Classifier", "A text classifier over a bertq model folder")
      .def(py::init<const std::filesystem::path&, int, const std::string&, std::optional<int>,
                    std::optional<std::string>, std::optional<int>, int>(),
           py::arg("model"), py::arg("threads") = eo.threads,
           py::arg("compute") = std::string(engine::compute_name(eo.compute)),
           py::arg("max_length") = py::none(), py::arg("truncation") = py::none(),
           py::arg("head_tokens") = py::none(), py::arg("batch_size") = po.batch_size)
      .def(
          "predict_batch",
          [](const PyClassifier& c, const std::vector<std::string>& texts) {
            py::gil_scoped_release release;
            return c.classifier.predict(texts, c.options);
          },
          py::arg("texts"), "One engine::Prediction per text, in input order (GIL released)")
      .def_property_readonly("model_dir", [](const PyClassifier& c) { return c.model_dir; })
      .def_property_readonly("labels",
                             [](const PyClassifier& c) { return c.classifier.config().id2label; })
      .def_property_readonly("batch_size",
                             [](const PyClassifier& c) { return c.options.batch_size; })
      .def_property_readonly("_tokenization_json",
                             [](const PyClassifier& c) { return c.tokenization.to_json().dump(); });
}

}  // namespace bertq::python
