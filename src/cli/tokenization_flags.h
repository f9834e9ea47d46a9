// --max-length, --truncation and --head-tokens for the inference subcommands (predict, eval,
// serve, compare, bench), parsed into the keys of a tokenization recipe: an option given on
// the command line wins; otherwise the model's config.json "bertq" block (how it was
// trained), otherwise the defaults shown in --help (engine/tokenization_rule.h resolves the
// three into a text::TokenizationRecipe).
//
//   auto flags = std::make_shared<TokenizationFlags>();
//   flags->add(cmd, "Tokenization");                        // registers the three options
//   ... in the callback:
//   engine::TokenizationSettings s = engine::resolve_tokenization(model_dir, flags->given());
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "engine/tokenization_rule.h"

namespace bertq::cli {

struct TokenizationFlags {
  int max_length = 0;
  std::string truncation;
  int head_tokens = 0;
  CLI::Option* max_length_opt = nullptr;
  CLI::Option* truncation_opt = nullptr;
  CLI::Option* head_tokens_opt = nullptr;

  void add(CLI::App* cmd, const std::string& group, const text::TokenizationRecipe& defaults = {}) {
    const std::string rule =
        "; an explicit value wins over the model's config.json \"bertq\" block "
        "(its training recipe), which wins over the default ";
    max_length_opt = cmd->add_option("--max-length", max_length,
                                     "Tokens per sequence incl. [CLS]/[SEP]" + rule +
                                         std::to_string(defaults.max_length))
                         ->group(group);
    truncation_opt = cmd->add_option("--truncation", truncation,
                                     "head, tail or head+tail" + rule +
                                         std::string(text::truncation_name(defaults.truncation)))
                         ->group(group);
    head_tokens_opt = cmd->add_option("--head-tokens", head_tokens,
                                      "head+tail: content tokens kept from the start" + rule +
                                          std::to_string(defaults.head_tokens))
                          ->group(group);
  }

  // The options the user gave (the others nullopt).
  engine::TokenizationRequest given() const {
    engine::TokenizationRequest g;
    if (max_length_opt != nullptr && max_length_opt->count() > 0) g.max_length = max_length;
    if (truncation_opt != nullptr && truncation_opt->count() > 0) g.truncation = truncation;
    if (head_tokens_opt != nullptr && head_tokens_opt->count() > 0) g.head_tokens = head_tokens;
    return g;
  }
};

}  // namespace bertq::cli
