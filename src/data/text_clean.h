// Small text helpers shared by the readers and statistics: <br /> cleaning, UTF-8 validation
// and code point counting, ASCII case folding.
#pragma once

#include <string>
#include <string_view>

namespace bertq::data {

// Replaces each HTML line break (<br />, <br/>, <br>, any case, spaces before '/') with '\n'.
std::string clean_html_breaks(std::string_view s);
// True when s is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Number of code points in a valid UTF-8 string (counts lead bytes).
size_t utf8_length(std::string_view s);
std::string ascii_lower(std::string_view s);
std::string_view trim(std::string_view s);

}  // namespace bertq::data
