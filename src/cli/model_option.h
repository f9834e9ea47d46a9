// --model as users give it (train, pretrain, predict, eval, serve, quantize, bench, compare):
// a model folder, a sentence-transformers folder (its Transformer module's sub-folder is
// used), or a hub name already in bertq's cache (`bertq download model NAME`, or placed
// offline by `scripts/setup.sh --pretrained`). The option's value becomes the resolved folder
// (data::resolve_model), so everything after parsing sees a folder holding config.json.
//
//   add_model_option(cmd, "--model", o->model_dir, "Model to fine-tune")->required();
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "core/error.h"
#include "data/hub.h"

namespace bertq::cli {

template <typename T>  // std::string or std::vector<std::string> (a repeatable option)
CLI::Option* add_model_option(CLI::App* cmd, const std::string& name, T& target,
                              const std::string& help) {
  return cmd->add_option(name, target, help + ": a folder or a hub name (org/name) in the cache")
      ->transform(CLI::Validator(
          [](std::string& v) {
            try {
              v = data::resolve_model(v);
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "FOLDER|HUB_NAME"));
}

}  // namespace bertq::cli
