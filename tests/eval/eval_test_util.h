// Shared by the eval tests: tiny random BERT classifier folders (1 layer, hidden 16, a
// 20-token vocabulary) made with io::init_model_folder, hand-made labelled reviews, and a
// small XML well-formedness checker for the SVG output.
#pragma once

#include <string>
#include <vector>

#include "common/test_util.h"
#include "core/file_util.h"
#include "data/dataset.h"
#include "io/init_model.h"

namespace bertq::eval::testing {

inline std::string make_tiny_model(const std::string& parent, const std::string& name,
                                   uint64_t seed, int max_position = 64) {
  const std::string vocab = join_path(parent, name + "_vocab.txt");
  write_file_atomic(vocab,
                    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nmovie\nwas\ngreat\nbad\nplot\ndull\n"
                    "fun\na\nand\nnot\n.\n!\n,\n##s\n");
  io::InitFolderOptions o;
  io::BertConfig& c = o.init.config;
  c.hidden_size = 16;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.intermediate_size = 32;
  c.max_position_embeddings = max_position;
  c.id2label = {"NEGATIVE", "POSITIVE"};
  o.vocab_file = vocab;
  o.init.seed = seed;
  o.init.std = 0.5f;  // large weights: logits differ clearly between texts
  const std::string dir = join_path(parent, name);
  io::init_model_folder(dir, o);
  return dir;
}

// Hand-made reviews of varied lengths, labels alternating pos / neg ("pos" / "neg" names
// as in aclImdb).
inline data::Dataset tiny_dataset(size_t n = 14) {
  const std::vector<std::string> words = {"the",  "movie", "was", "great", "bad", "plot",
                                          "dull", "fun",   "and", "not",   ".",   "!"};
  data::Dataset ds;
  for (size_t i = 0; i < n; ++i) {
    data::Example ex;
    for (size_t w = 0; w < 1 + (i * 7) % 23; ++w) {
      ex.text += (w ? " " : "") + words[(i * 5 + w * 3) % words.size()];
    }
    ex.label_name = i % 2 ? "pos" : "neg";
    ex.id = "ex" + std::to_string(i);
    ds.examples.push_back(ex);
  }
  return ds;
}

// True when `xml` is well formed enough for our writer's output: one root element, every
// start tag closed in order, attributes quoted, no raw '<' or '&' outside tags / entities.
inline ::testing::AssertionResult well_formed_xml(const std::string& xml) {
  std::vector<std::string> stack;
  size_t i = 0, roots = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const size_t semi = xml.find(';', i);
      const std::string ent = semi == std::string::npos ? "" : xml.substr(i, semi - i + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;")
        return ::testing::AssertionFailure() << "bad entity at " << i;
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      if (stack.empty() && !isspace(static_cast<unsigned char>(xml[i])))
        return ::testing::AssertionFailure() << "text outside the root at " << i;
      ++i;
      continue;
    }
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty()) return ::testing::AssertionFailure() << "empty tag";
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1))
        return ::testing::AssertionFailure() << "</" << tag.substr(1) << "> does not close <"
                                             << (stack.empty() ? "" : stack.back()) << ">";
      stack.pop_back();
      continue;
    }
    const bool self = tag.back() == '/';
    if (self) tag.pop_back();
    size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2 != 0 || tag.find('<') != std::string::npos)
      return ::testing::AssertionFailure() << "bad attributes in <" << tag << ">";
    const std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
    if (stack.empty()) ++roots;
    if (!self) stack.push_back(name);
  }
  if (!stack.empty())
    return ::testing::AssertionFailure() << "<" << stack.back() << "> never closed";
  if (roots != 1) return ::testing::AssertionFailure() << roots << " root elements";
  return ::testing::AssertionSuccess();
}

inline size_t count_of(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace bertq::eval::testing
