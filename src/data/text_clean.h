// Small text helpers shared by the readers and statistics: <br /> cleaning, ASCII case folding.
// (UTF-8 validation and code point counting: core/utf8.h.)
#pragma once

#include <string>
#include <string_view>

namespace bertq::data {

// Replaces each HTML line break (<br />, <br/>, <br>, any case, spaces before '/') with '\n'.
std::string clean_html_breaks(std::string_view s);
std::string ascii_lower(std::string_view s);
std::string_view trim(std::string_view s);

}  // namespace bertq::data
