// Recursive-descent HOCON parser producing an unresolved Value tree (substitutions kept, duplicates merged).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/core/result.hpp"
#include "lexer.hpp"
#include "path.hpp"

namespace jicofo::config::hocon::detail {

// Shared by a file and everything it includes: against include cycles and runaway nesting.
struct IncludeContext {
    ParseOptions options;
    std::vector<std::filesystem::path> files;  // canonical paths of the files being read, outermost first
    int depth = 0;
};

class Parser {
public:
    // `prefix` is where this text is included in the including file(s): substitutions are fixed up against it.
    Parser(std::string_view text, std::string origin_name, Path prefix, IncludeContext& context);

    core::Result<Value, ParseError> parse_document();

private:
    using Status = std::optional<ParseError>;

    core::Result<Value, ParseError> parse_object(const Token* open);  // nullptr: a root without braces
    Status parse_field(Value::Object& members);
    core::Result<Path, ParseError> parse_key();
    core::Result<Value, ParseError> parse_value(const Token& separator, const std::string& key);
    core::Result<Value, ParseError> parse_concatenation(const std::string& key);
    core::Result<Value, ParseError> parse_part(const std::string& key);
    core::Result<Value, ParseError> parse_array(const Token& open, const std::string& key);
    [[nodiscard]] bool at_include_statement();
    Status parse_include(Value::Object& members, const Token& keyword);  // include.cpp
    Status read_include(Value::Object& members, const Token& keyword, const std::string& name, bool required);

    // An error at a token; when the token is the lexer's error token, the lexer's own error.
    [[nodiscard]] ParseError error_at(const Token& token, std::string message, std::string key = {}) const;
    void skip_whitespace();
    void skip_whitespace_and_newlines();
    [[nodiscard]] std::string full_key(const Path& key) const;

    Lexer lexer_;
    std::string origin_name_;
    std::filesystem::path base_dir_;
    Path prefix_;  // where this text was included, from the root of the outermost file
    Path path_;    // the object being parsed, from the root of this text
    IncludeContext& context_;
    int depth_ = 0;
};

bool starts_value(TokenType type);

}  // namespace jicofo::config::hocon::detail
