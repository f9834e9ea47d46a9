// The tokenization recipe (text/tokenization_recipe.h) an inference command uses (predict,
// eval, serve, compare, pipeline, quantize): for each of max_length, truncation and head_tokens,
//   an option the user gave  >  the model's config.json "bertq" block (how it was trained,
//   see io/bert_config.h)  >  the command's default (text::TokenizationRecipe's defaults).
// A default max_length beyond the model's max_position_embeddings becomes that limit (a model
// with 128 positions is served and evaluated at 128 unless told otherwise); a max_length
// given as an option must be in [2, max_position_embeddings] (text::check_max_length). This
// is the one place where commands meet the model's position limit.
// A model trained with head+tail 32 at 128 tokens is thus evaluated and served that way
// unless an option says otherwise. Each field records where its value came from, so reports
// can say it ("max_length 128 (config.json)").
//
//   eval::TokenizationOverrides given;  given.truncation = "head";       // from --truncation
//   eval::TokenizationSettings s = eval::resolve_tokenization(clf.config(), given);
//   s.max_length;  s.truncation;  s.head_tokens;  s.describe();  s.to_json();
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "io/bert_config.h"
#include "text/tokenization_recipe.h"

namespace bertq::eval {

// Where a setting came from.
// MODEL_LIMIT: the default was cut to the model's max_position_embeddings.
enum class SettingSource { OPTION, CONFIG, DEFAULT, MODEL_LIMIT };
// "option", "config.json", "default", "max_position_embeddings"
std::string_view setting_source_name(SettingSource s);

// A resolved recipe and where each of its fields came from.
struct TokenizationSettings : text::TokenizationRecipe {
  SettingSource max_length_from = SettingSource::DEFAULT;
  SettingSource truncation_from = SettingSource::DEFAULT;
  SettingSource head_tokens_from = SettingSource::DEFAULT;

  // {"max_length", "truncation", "head_tokens", "from": {"max_length": "config.json", ...}}
  nlohmann::json to_json() const;
  // "max length 128 (config.json), truncation head+tail (config.json), 32 head tokens (option)"
  std::string describe() const;
};

// What the user gave on the command line (nullopt = not given): the keys of a recipe, in the
// shape of config.json's block (truncation: text::parse_truncation names).
using TokenizationOverrides = io::TokenizationRecipe;

// Applies the precedence above. INVALID_ARGUMENT for a bad truncation name, a negative
// head_tokens or a max_length outside [2, max_position_embeddings] given as an option (the
// config block was validated when it was read). `defaults`: a command's own defaults.
TokenizationSettings resolve_tokenization(const io::BertConfig& config,
                                          const TokenizationOverrides& given,
                                          const TokenizationSettings& defaults = {});
// The same, reading MODEL_DIR/config.json (errors name that file).
TokenizationSettings resolve_tokenization(const std::string& model_dir,
                                          const TokenizationOverrides& given,
                                          const TokenizationSettings& defaults = {});

}  // namespace bertq::eval
