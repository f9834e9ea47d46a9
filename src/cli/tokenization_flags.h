// --max-length, --truncation and --head-tokens, the one place they are registered, for every
// command that tokenizes for a model:
// - running one (predict, eval, serve, compare, bench, quantize): parsed into the keys the user
//   gave; an option given on the command line wins, otherwise the model's config.json "bertq"
//   block (how it was trained), otherwise the defaults shown in --help
//   (engine/tokenization_rule.h resolves the three into a text::TokenizationRecipe);
// - training one (train, pipeline): the recipe the model is trained with, the options given
//   over the command's defaults, recorded in the trained model's config.json block.
//
//   auto flags = std::make_shared<TokenizationFlags>();
//   flags->add(cmd, "Tokenization");                        // registers the three options
//   ... in the callback:
//   engine::TokenizationSettings s = engine::resolve_tokenization(model_dir, flags->given());
//   // or, training:  flags->add(cmd, "Data", o->recipe, TokenizationFlags::TRAIN);
//   //                o->recipe = flags->recipe(o->recipe);
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "engine/tokenization_rule.h"

namespace bertq::cli {

struct TokenizationFlags {
  enum Purpose { RUN, TRAIN };
  int max_length = 0;
  std::string truncation;
  int head_tokens = 0;
  CLI::Option* max_length_opt = nullptr;
  CLI::Option* truncation_opt = nullptr;
  CLI::Option* head_tokens_opt = nullptr;

  void add(CLI::App* cmd, const std::string& group, const text::TokenizationRecipe& defaults = {},
           Purpose purpose = RUN) {
    const std::string rule =
        purpose == RUN ? "; an explicit value wins over the model's config.json \"bertq\" block "
                         "(its training recipe), which wins over the default "
                       : "; recorded in the trained model's config.json, which predict, eval and "
                         "serve follow; default ";
    max_length_opt = cmd->add_option("--max-length", max_length,
                                     "Tokens per sequence incl. [CLS]/[SEP]" + rule +
                                         std::to_string(defaults.max_length))
                         ->group(group);
    truncation_opt = cmd->add_option("--truncation", truncation,
                                     "head, tail or head+tail" + rule +
                                         std::string(text::truncation_name(defaults.truncation)))
                         ->group(group);
    const std::string head_default = defaults.head_tokens == 0
                                         ? "0 (a quarter of the budget)"
                                         : std::to_string(defaults.head_tokens);
    head_tokens_opt =
        cmd->add_option("--head-tokens", head_tokens,
                        "head+tail: content tokens kept from the start" + rule + head_default)
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

  // The options the user gave over `defaults` (training: nothing else is consulted).
  // INVALID_ARGUMENT naming --truncation for an unknown name.
  text::TokenizationRecipe recipe(text::TokenizationRecipe defaults) const {
    if (max_length_opt != nullptr && max_length_opt->count() > 0) defaults.max_length = max_length;
    if (truncation_opt != nullptr && truncation_opt->count() > 0)
      defaults.truncation = text::parse_truncation(truncation);
    if (head_tokens_opt != nullptr && head_tokens_opt->count() > 0)
      defaults.head_tokens = head_tokens;
    return defaults;
  }
};

}  // namespace bertq::cli
