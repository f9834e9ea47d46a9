// bertq::Error becomes bertq.Error (a RuntimeError) with the C++ message and .code, the
// kind (core::error_code_name: "not found", "corrupt file", ...); INVALID_ARGUMENT becomes
// bertq.InvalidArgumentError, a subclass of both bertq.Error and ValueError.
#include <Python.h>

#include <exception>
#include <string>

#include "bindings.h"
#include "core/error.h"

namespace bertq::python {

void bind_errors(py::module_& m) {
  // Owned by the module for the life of the process (never released at exit, when the
  // interpreter is already gone).
  static PyObject* error = nullptr;
  static PyObject* invalid_argument = nullptr;
  error = PyErr_NewExceptionWithDoc("bertq._bertq.Error",
                                    "An error of bertq's C++ library; .code names its kind.",
                                    PyExc_RuntimeError, nullptr);
  if (error == nullptr) throw py::error_already_set();
  py::tuple bases = py::make_tuple(py::handle(error), py::handle(PyExc_ValueError));
  invalid_argument = PyErr_NewExceptionWithDoc(
      "bertq._bertq.InvalidArgumentError",
      "bertq.Error for a wrong argument (code INVALID_ARGUMENT).", bases.ptr(), nullptr);
  if (invalid_argument == nullptr) throw py::error_already_set();
  m.attr("Error") = py::handle(error);
  m.attr("InvalidArgumentError") = py::handle(invalid_argument);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyObject* type = e.code() == ErrorCode::INVALID_ARGUMENT ? invalid_argument : error;
      py::object value = py::reinterpret_borrow<py::object>(type)(e.what());
      value.attr("code") = std::string(error_code_name(e.code()));
      PyErr_SetObject(type, value.ptr());
    }
  });
}

}  // namespace bertq::python
