// Small text helpers shared by the parsers (HOCON, .properties, JSON fragments, URL decoding).
#pragma once

#include <string>

namespace jicofo::core {

// The value of a hexadecimal digit, or -1 for any other character.
int hex_value(char c);

// Appends the UTF-8 encoding of a Unicode code point (U+0000 to U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

}  // namespace jicofo::core
