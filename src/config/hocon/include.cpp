// The include statement: `include "x"`, `include file("x")`, `include required(...)`. Files are read relative to the
// including file and merged where the statement stands; url(...) and classpath(...) are refused.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "merge.hpp"
#include "parser.hpp"

namespace jicofo::config::hocon::detail {

Parser::Status Parser::parse_include(Value::Object& members, const Token& keyword) {
    skip_whitespace_and_newlines();
    // `required(file(` lexes as one unquoted string (parentheses are allowed in unquoted strings); collect it.
    std::string opening;
    const Token first = lexer_.peek();
    while (lexer_.peek().type == TokenType::Unquoted || lexer_.peek().type == TokenType::Whitespace) {
        const Token token = lexer_.next();
        if (token.type == TokenType::Unquoted) {
            opening += token.text;
        }
    }
    const Token name = lexer_.peek();
    if (name.type != TokenType::Quoted) {
        return error_at(name, "expected a quoted file name after 'include', found " + describe(name));
    }
    lexer_.next();
    std::string closing;
    while (true) {
        const TokenType next = lexer_.peek().type;
        if (next == TokenType::Unquoted) {
            closing += lexer_.next().text;
        } else if (next == TokenType::Whitespace && lexer_.peek(1).type == TokenType::Unquoted) {
            lexer_.next();
        } else {
            break;
        }
    }

    bool required = false;
    std::string_view kind = opening;
    if (kind.substr(0, 9) == "required(") {
        required = true;
        kind.remove_prefix(9);
    }
    if (kind.substr(0, 4) == "url(" || kind.substr(0, 10) == "classpath(") {
        return error_at(first, "unsupported include: only files can be included, not url(...) or classpath(...)");
    }
    if (!kind.empty() && kind != "file(") {
        return error_at(first, "invalid include statement: expected \"name\", file(\"name\") or required(...)");
    }
    const auto depth = static_cast<std::size_t>(std::count(opening.begin(), opening.end(), '('));
    if (closing != std::string(depth, ')')) {
        return error_at(keyword, "invalid include statement: unbalanced parentheses");
    }
    return read_include(members, keyword, name.text, required);
}

Parser::Status Parser::read_include(Value::Object& members, const Token& keyword, const std::string& name,
                                    bool required) {
    namespace fs = std::filesystem;
    const fs::path written(name);
    const fs::path target = written.is_absolute() ? written : base_dir_ / written;
    // Without an extension HOCON tries the formats it knows; JSON is HOCON, .properties is not supported.
    std::vector<fs::path> candidates{target};
    if (!target.has_extension()) {
        candidates.push_back(fs::path(target).concat(".conf"));
        candidates.push_back(fs::path(target).concat(".json"));
    }
    std::error_code ec;
    const auto found = std::find_if(candidates.begin(), candidates.end(),
                                    [&](const fs::path& candidate) { return fs::is_regular_file(candidate, ec); });
    if (found == candidates.end()) {
        if (required) {
            return error_at(keyword,
                            "required include file '" + name + "' not found (looked for '" + target.string() + "')");
        }
        return std::nullopt;  // HOCON: a missing include is silently ignored
    }
    const fs::path canonical = fs::weakly_canonical(*found, ec);
    if (std::find(context_.files.begin(), context_.files.end(), canonical) != context_.files.end()) {
        return error_at(keyword, "include cycle: '" + found->string() + "' is already being read");
    }
    if (context_.depth >= context_.options.max_include_depth) {
        return error_at(keyword,
                        "includes nested more than " + std::to_string(context_.options.max_include_depth) + " deep");
    }
    std::ifstream in(*found, std::ios::binary);
    if (!in) {
        return error_at(keyword, "cannot read included file '" + found->string() + "'");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    Path at = prefix_;
    at.insert(at.end(), path_.begin(), path_.end());
    context_.files.push_back(canonical);
    ++context_.depth;
    Parser nested(text, found->string(), std::move(at), context_);
    auto included = nested.parse_document();
    --context_.depth;
    context_.files.pop_back();
    if (!included) {
        return included.error();
    }
    for (const auto& [key, value] : included->members()) {
        merge_into(members, key, value);
    }
    return std::nullopt;
}

}  // namespace jicofo::config::hocon::detail
