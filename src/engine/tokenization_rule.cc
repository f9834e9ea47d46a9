// Option > config.json "bertq" block > default, per tokenization setting (see
// tokenization_rule.h).
#include "engine/tokenization_rule.h"

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::engine {

std::string_view setting_source_name(SettingSource s) {
  switch (s) {
    case SettingSource::OPTION:
      return "option";
    case SettingSource::CONFIG:
      return "config.json";
    case SettingSource::DEFAULT:
      return "default";
    case SettingSource::MODEL_LIMIT:
      return "max_position_embeddings";
  }
  return "?";
}

nlohmann::json TokenizationSettings::to_json() const {
  return {{"max_length", recipe.max_length},
          {"truncation", std::string(text::truncation_name(recipe.truncation))},
          {"head_tokens", recipe.head_tokens},
          {"from",
           {{"max_length", std::string(setting_source_name(max_length_from))},
            {"truncation", std::string(setting_source_name(truncation_from))},
            {"head_tokens", std::string(setting_source_name(head_tokens_from))}}}};
}

std::string TokenizationSettings::describe() const {
  std::string s = cat("max length ", recipe.max_length, " (", setting_source_name(max_length_from),
                      "), truncation ", text::truncation_name(recipe.truncation), " (",
                      setting_source_name(truncation_from), ")");
  if (recipe.truncation == text::Truncation::HEAD_TAIL)
    s +=
        cat(", ", recipe.head_tokens, " head tokens (", setting_source_name(head_tokens_from), ")");
  return s;
}

TokenizationSettings resolve_tokenization(const io::BertConfig& config,
                                          const TokenizationRequest& given,
                                          const text::TokenizationRecipe& defaults) {
  TokenizationSettings s;
  s.recipe = defaults;
  text::TokenizationRecipe& r = s.recipe;
  const io::TokenizationRecipe recipe = config.recipe.value_or(io::TokenizationRecipe{});
  const int max_pos = config.max_tokens();
  if (given.max_length) {
    text::check_max_length(*given.max_length, max_pos, "--max-length");
    r.max_length = *given.max_length;
    s.max_length_from = SettingSource::OPTION;
  } else if (recipe.max_length) {
    r.max_length = *recipe.max_length;
    s.max_length_from = SettingSource::CONFIG;
  } else if (r.max_length > max_pos) {
    r.max_length = max_pos;
    s.max_length_from = SettingSource::MODEL_LIMIT;
  }
  if (given.truncation) {
    r.truncation = text::parse_truncation(*given.truncation);
    s.truncation_from = SettingSource::OPTION;
  } else if (recipe.truncation) {
    r.truncation = text::parse_truncation(*recipe.truncation);
    s.truncation_from = SettingSource::CONFIG;
  }
  if (given.head_tokens) {
    check(*given.head_tokens >= 0, ErrorCode::INVALID_ARGUMENT, "--head-tokens ",
          *given.head_tokens, ": must be >= 0");
    r.head_tokens = *given.head_tokens;
    s.head_tokens_from = SettingSource::OPTION;
  } else if (recipe.head_tokens) {
    r.head_tokens = *recipe.head_tokens;
    s.head_tokens_from = SettingSource::CONFIG;
  }
  return s;
}

TokenizationSettings resolve_tokenization(const std::string& model_dir,
                                          const TokenizationRequest& given,
                                          const text::TokenizationRecipe& defaults) {
  return resolve_tokenization(io::BertConfig::load(join_path(model_dir, "config.json")), given,
                              defaults);
}

}  // namespace bertq::engine
