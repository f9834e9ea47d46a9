// bertq._bertq.Classifier: a model folder or a hub name in bertq's cache (resolved as the CLI's
// --model, data::resolve_model), its tokenization resolved once as `bertq predict` resolves it
// (an argument > config.json "bertq" block > default, eval/tokenization_settings.h), and
// predict_batch running bertq::Classifier::predict with the GIL released, so Python threads
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
#include "eval/tokenization_settings.h"

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
    eval::TokenizationOverrides given;
    given.max_length = max_length;
    given.truncation = truncation;
    given.head_tokens = head_tokens;
    tokenization = eval::resolve_tokenization(classifier.config(), given);
    static_cast<text::TokenizationRecipe&>(options) = tokenization;
    options.batch_size = batch_size;
  }

  std::string model_dir;
  Classifier classifier;
  eval::TokenizationSettings tokenization;
  PredictOptions options;
};

}  // namespace

void bind_classifier(py::module_& m) {
  py::class_<Prediction>(m, "Prediction", "One text's result (bertq::Prediction)")
      .def_readonly("label_id", &Prediction::label_id)
      .def_readonly("label", &Prediction::label)
      .def_readonly("score", &Prediction::score, "probs[label_id]")
      .def_readonly("logits", &Prediction::logits)
      .def_readonly("probs", &Prediction::probs, "softmax(logits)")
      .def("__repr__", [](const Prediction& p) {
        return "Prediction(label=" + py::repr(py::str(p.label)).cast<std::string>() +
               ", score=" + py::repr(py::float_(p.score)).cast<std::string>() + ")";
      });

  const engine::EngineOptions eo;
  const PredictOptions po;
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
          py::arg("texts"), "One Prediction per text, in input order (GIL released)")
      .def_property_readonly("model_dir", [](const PyClassifier& c) { return c.model_dir; })
      .def_property_readonly("labels",
                             [](const PyClassifier& c) { return c.classifier.config().id2label; })
      .def_property_readonly("batch_size",
                             [](const PyClassifier& c) { return c.options.batch_size; })
      .def_property_readonly("_tokenization_json",
                             [](const PyClassifier& c) { return c.tokenization.to_json().dump(); });
}

}  // namespace bertq::python
