// The one tokenization rule: the recipe (text/tokenization_recipe.h) a model runs with, for
// each of max_length, truncation and head_tokens,
//   what the user gave  >  the model's config.json "bertq" block (how it was trained, see
//   io/bert_config.h)  >  the caller's default (text::TokenizationRecipe's defaults).
// A default max_length beyond the model's positions becomes that limit (a model with 128
// positions is served and evaluated at 128 unless told otherwise); a max_length the user gave
// must be in [2, positions] (text::check_max_length). This is the one place where the rule and
// the model's position limit meet: Classifier applies it (Classifier::tokenization and
// predict), and every front end (CLI commands, the server, Python, the quantizer, the pipeline)
// passes only what its user set. Each field records where its value came from, so reports can say
// it
// ("max_length 128 (config.json)").
//
//   engine::TokenizationRequest given;  given.truncation = "head";       // from --truncation
//   engine::TokenizationSettings s = engine::resolve_tokenization(clf.config(), given);
//   s.recipe.max_length;  s.recipe.truncation;  s.describe();  s.to_json();
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "io/bert_config.h"
#include "text/tokenization_recipe.h"

namespace bertq::engine {

// Where a setting came from.
// MODEL_LIMIT: the default was cut to the model's max_position_embeddings.
enum class SettingSource { OPTION, CONFIG, DEFAULT, MODEL_LIMIT };
// "option", "config.json", "default", "max_position_embeddings"
std::string_view setting_source_name(SettingSource s);

// A resolved recipe and where each of its fields came from.
struct TokenizationSettings {
  text::TokenizationRecipe recipe;
  SettingSource max_length_from = SettingSource::DEFAULT;
  SettingSource truncation_from = SettingSource::DEFAULT;
  SettingSource head_tokens_from = SettingSource::DEFAULT;

  // {"max_length", "truncation", "head_tokens", "from": {"max_length": "config.json", ...}}
  nlohmann::json to_json() const;
  // "max length 128 (config.json), truncation head+tail (config.json), 32 head tokens (option)"
  std::string describe() const;
};

// What the user gave (nullopt = not given): the keys of a recipe, in the shape of config.json's
// block (truncation: text::parse_truncation names).
using TokenizationRequest = io::TokenizationRecipe;

// Applies the precedence above. INVALID_ARGUMENT for a bad truncation name, a negative
// head_tokens or a max_length outside [2, max_position_embeddings] given as an option (the
// config block was validated when it was read). `defaults`: a caller's own defaults.
TokenizationSettings resolve_tokenization(const io::BertConfig& config,
                                          const TokenizationRequest& given,
                                          const text::TokenizationRecipe& defaults = {});
// The same, reading MODEL_DIR/config.json (errors name that file).
TokenizationSettings resolve_tokenization(const std::string& model_dir,
                                          const TokenizationRequest& given,
                                          const text::TokenizationRecipe& defaults = {});

}  // namespace bertq::engine
