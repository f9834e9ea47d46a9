// bertq._bertq.Tokenizer and Encoding: bertq::text::Tokenizer (HF BertTokenizerFast's ids and
// byte offsets). Tokenizer(path): a folder, tokenizer.json or vocab.txt
// (text::Tokenizer::from_path), else a hub name in bertq's cache (data::resolve_model). The
// keyword defaults are text::EncodeOptions' own; encoding runs with the GIL released.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "data/hub.h"
#include "text/tokenizer.h"

namespace bertq::python {
namespace {

text::Tokenizer open_tokenizer(const std::filesystem::path& path) {
  const std::string p = path.string();
  return text::Tokenizer::from_path(std::filesystem::exists(path) ? p : data::resolve_model(p));
}

text::EncodeOptions encode_options(int max_length, const std::string& truncation, int head_tokens,
                                   bool add_special_tokens, bool return_offsets, int stride,
                                   bool return_overflow) {
  text::EncodeOptions o;
  o.max_length = max_length;
  o.truncation = text::parse_truncation(truncation);
  o.head_tokens = head_tokens;
  o.add_special_tokens = add_special_tokens;
  o.return_offsets = return_offsets;
  o.stride = stride;
  o.return_overflow = return_overflow;
  return o;
}

}  // namespace

void bind_tokenizer(py::module_& m) {
  py::class_<text::Encoding>(m, "Encoding", "One encoded text (bertq::text::Encoding)")
      .def_readonly("ids", &text::Encoding::ids)
      .def_readonly("type_ids", &text::Encoding::type_ids)
      .def_readonly("attention_mask", &text::Encoding::attention_mask)
      .def_readonly("offsets", &text::Encoding::offsets,
                    "Byte offsets [begin, end) into the UTF-8 text; (0, 0) for special tokens")
      .def_readonly("overflowing", &text::Encoding::overflow)
      .def("__len__", &text::Encoding::size)
      .def("__repr__", [](const text::Encoding& e) {
        return "Encoding(ids=" + py::repr(py::cast(e.ids)).cast<std::string>() + ")";
      });

  const text::EncodeOptions d;
  const std::string head(text::truncation_name(d.truncation));
  py::class_<text::Tokenizer>(m, "Tokenizer", "A BERT WordPiece tokenizer")
      .def(py::init(&open_tokenizer), py::arg("path"))
      .def(
          "encode",
          [](const text::Tokenizer& t, const std::string& text, std::optional<std::string> pair,
             int max_length, const std::string& truncation, int head_tokens,
             bool add_special_tokens, bool return_offsets, int stride, bool return_overflow) {
            const text::EncodeOptions o =
                encode_options(max_length, truncation, head_tokens, add_special_tokens,
                               return_offsets, stride, return_overflow);
            py::gil_scoped_release release;
            return pair ? t.encode_pair(text, *pair, o) : t.encode(text, o);
          },
          py::arg("text"), py::arg("pair") = py::none(), py::kw_only(),
          py::arg("max_length") = d.max_length, py::arg("truncation") = head,
          py::arg("head_tokens") = d.head_tokens,
          py::arg("add_special_tokens") = d.add_special_tokens, py::arg("return_offsets") = true,
          py::arg("stride") = d.stride, py::arg("return_overflow") = d.return_overflow)
      .def(
          "encode_batch",
          [](const text::Tokenizer& t, const std::vector<std::string>& texts, int max_length,
             const std::string& truncation, int head_tokens, bool add_special_tokens,
             bool return_offsets, int threads) {
            const text::EncodeOptions o = encode_options(
                max_length, truncation, head_tokens, add_special_tokens, return_offsets, 0, false);
            py::gil_scoped_release release;
            return t.encode_batch(texts, o, threads);
          },
          py::arg("texts"), py::kw_only(), py::arg("max_length") = d.max_length,
          py::arg("truncation") = head, py::arg("head_tokens") = d.head_tokens,
          py::arg("add_special_tokens") = d.add_special_tokens, py::arg("return_offsets") = true,
          py::arg("threads") = 0)
      .def("decode", &text::Tokenizer::decode, py::arg("ids"),
           py::arg("skip_special_tokens") = true)
      .def("tokens", &text::Tokenizer::tokens, py::arg("ids"))
      .def(
          "token_to_id",
          [](const text::Tokenizer& t, const std::string& token) -> std::optional<int32_t> {
            const int32_t id = t.token_id(token);
            if (id < 0) return std::nullopt;
            return id;
          },
          py::arg("token"))
      .def_property_readonly("vocab_size", &text::Tokenizer::vocab_size)
      .def_property_readonly("pad_id", &text::Tokenizer::pad_id)
      .def_property_readonly("cls_id", &text::Tokenizer::cls_id)
      .def_property_readonly("sep_id", &text::Tokenizer::sep_id)
      .def_property_readonly("unk_id", &text::Tokenizer::unk_id)
      .def_property_readonly("mask_id", &text::Tokenizer::mask_id)
      .def_property_readonly("model_max_length", &text::Tokenizer::model_max_length);
}

}  // namespace bertq::python
