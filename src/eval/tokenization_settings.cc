// Option > config.json "bertq" block > default, per tokenization setting (see
// tokenization_settings.h).
#include "eval/tokenization_settings.h"

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::eval {

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
  return {{"max_length", max_length},
          {"truncation", std::string(text::truncation_name(truncation))},
          {"head_tokens", head_tokens},
          {"from",
           {{"max_length", std::string(setting_source_name(max_length_from))},
            {"truncation", std::string(setting_source_name(truncation_from))},
            {"head_tokens", std::string(setting_source_name(head_tokens_from))}}}};
}

std::string TokenizationSettings::describe() const {
  std::string s =
      cat("max length ", max_length, " (", setting_source_name(max_length_from), "), truncation ",
          text::truncation_name(truncation), " (", setting_source_name(truncation_from), ")");
  if (truncation == text::Truncation::HEAD_TAIL)
    s += cat(", ", head_tokens, " head tokens (", setting_source_name(head_tokens_from), ")");
  return s;
}

TokenizationSettings resolve_tokenization(const io::BertConfig& config,
                                          const TokenizationOverrides& given,
                                          const TokenizationSettings& defaults) {
  TokenizationSettings s = defaults;
  const io::TokenizationRecipe recipe = config.recipe.value_or(io::TokenizationRecipe{});
  const int max_pos = config.max_tokens();
  if (given.max_length) {
    text::check_max_length(*given.max_length, max_pos, "--max-length");
    s.max_length = *given.max_length;
    s.max_length_from = SettingSource::OPTION;
  } else if (recipe.max_length) {
    s.max_length = *recipe.max_length;
    s.max_length_from = SettingSource::CONFIG;
  } else if (s.max_length > max_pos) {
    s.max_length = max_pos;
    s.max_length_from = SettingSource::MODEL_LIMIT;
  }
  if (given.truncation) {
    s.truncation = text::parse_truncation(*given.truncation);
    s.truncation_from = SettingSource::OPTION;
  } else if (recipe.truncation) {
    s.truncation = text::parse_truncation(*recipe.truncation);
    s.truncation_from = SettingSource::CONFIG;
  }
  if (given.head_tokens) {
    check(*given.head_tokens >= 0, ErrorCode::INVALID_ARGUMENT, "--head-tokens ",
          *given.head_tokens, ": must be >= 0");
    s.head_tokens = *given.head_tokens;
    s.head_tokens_from = SettingSource::OPTION;
  } else if (recipe.head_tokens) {
    s.head_tokens = *recipe.head_tokens;
    s.head_tokens_from = SettingSource::CONFIG;
  }
  return s;
}

TokenizationSettings resolve_tokenization(const std::string& model_dir,
                                          const TokenizationOverrides& given,
                                          const TokenizationSettings& defaults) {
  return resolve_tokenization(io::BertConfig::load(join_path(model_dir, "config.json")), given,
                              defaults);
}

}  // namespace bertq::eval
