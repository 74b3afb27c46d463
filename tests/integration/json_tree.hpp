// What the golden tests share: reading a file of the source tree, and JSON value types by name ("integer",
// "number", "string", "boolean", "array", "object", "null"; a description may allow several, "a|b").
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace jicofo::testing {

inline std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string json_type(const nlohmann::json& value) {
    if (value.is_null()) {
        return "null";
    }
    if (value.is_boolean()) {
        return "boolean";
    }
    if (value.is_number_integer()) {
        return "integer";
    }
    if (value.is_number()) {
        return "number";
    }
    if (value.is_string()) {
        return "string";
    }
    return value.is_array() ? "array" : "object";
}

inline bool type_allowed(const std::string& expected, const std::string& actual) {
    std::istringstream alternatives(expected);
    std::string one;
    while (std::getline(alternatives, one, '|')) {
        // An integer is a number too (a stress of 0, or a whole average, prints as an integer).
        if (one == actual || (one == "number" && actual == "integer")) {
            return true;
        }
    }
    return false;
}

}  // namespace jicofo::testing
