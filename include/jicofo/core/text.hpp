// Small text helpers shared by the parsers (HOCON, .properties, JSON fragments, URL decoding).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace jicofo::core {

// The value of a hexadecimal digit, or -1 for any other character.
int hex_value(char c);

// Appends the UTF-8 encoding of a Unicode code point (U+0000 to U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

// Equal ignoring ASCII case (domains, header names, media types); other bytes compare as they are.
[[nodiscard]] bool iequals_ascii(std::string_view a, std::string_view b);

// Without leading and trailing spaces and tabs (HTTP header values, list items).
[[nodiscard]] std::string_view trim_blanks(std::string_view text);

// The deepest nesting of arrays and objects in JSON `text` (brackets inside strings do not count), checked before
// a parser whose values are destroyed recursively sees it. Scanning stops once the depth exceeds `limit`, so the
// result is at most limit + 1 and the cost is linear.
[[nodiscard]] std::size_t json_nesting_depth(std::string_view text, std::size_t limit);

// An instant as ISO 8601 in UTC with milliseconds, e.g. "2024-05-01T12:34:56.789Z" (REST and webhook bodies).
[[nodiscard]] std::string iso8601_utc(std::chrono::system_clock::time_point instant);

}  // namespace jicofo::core
