// The parts of the extension module bertq._bertq (module.cc), one file each. The Python side
// (python/bertq/__init__.py) builds on them; errors cross as bertq.Error (errors.cc).
#pragma once

#include <pybind11/pybind11.h>

namespace bertq::python {

namespace py = pybind11;

void bind_errors(py::module_& m);      // Error, InvalidArgumentError
void bind_classifier(py::module_& m);  // Classifier, Prediction
void bind_tokenizer(py::module_& m);   // Tokenizer, Encoding
void bind_quantize(py::module_& m);    // _quantize

}  // namespace bertq::python
