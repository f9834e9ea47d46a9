// bertq._bertq: the C++ library's inference side (classifier, tokenizer, quantizer) for Python.
// It links the inference libraries only, never libtorch.
#include "bindings.h"

PYBIND11_MODULE(_bertq, m) {
  m.doc() = "bertq's C++ engine: classifier, tokenizer and quantizer (see the bertq package)";
  bertq::python::bind_errors(m);
  bertq::python::bind_classifier(m);
  bertq::python::bind_tokenizer(m);
  bertq::python::bind_quantize(m);
}
