// HOCON parser: objects with optional root braces, dotted and quoted keys, `=`/`:`/`+=` separators, arrays, value
// concatenation and substitutions. Duplicate keys are merged here, as HOCON says; substitutions stay unresolved.
#include "parser.hpp"

#include <fstream>
#include <sstream>
#include <utility>

#include "merge.hpp"
#include "value_access.hpp"

namespace jicofo::config::hocon {
namespace detail {
namespace {

constexpr int kMaxNesting = 200;  // deeper input is hostile or broken; it must not exhaust the stack

}  // namespace

bool starts_value(TokenType type) {
    switch (type) {
        case TokenType::Unquoted:
        case TokenType::Number:
        case TokenType::Quoted:
        case TokenType::Substitution:
        case TokenType::OpenBrace:
        case TokenType::OpenBracket: return true;
        default: return false;
    }
}

Parser::Parser(std::string_view text, std::string origin_name, Path prefix, IncludeContext& context)
    : lexer_(text, origin_name), origin_name_(std::move(origin_name)), prefix_(std::move(prefix)), context_(context) {
    // A name such as "<reference.conf>" is not a path: includes are then read from the working directory.
    if (!origin_name_.empty() && origin_name_.front() != '<') {
        base_dir_ = std::filesystem::path(origin_name_).parent_path();
    }
}

ParseError Parser::error_at(const Token& token, std::string message, std::string key) const {
    if (token.type == TokenType::Error) {
        return lexer_.error();
    }
    return ParseError{lexer_.origin_of(token), std::move(message), std::move(key)};
}

void Parser::skip_whitespace() {
    while (lexer_.peek().type == TokenType::Whitespace) {
        lexer_.next();
    }
}

void Parser::skip_whitespace_and_newlines() {
    while (lexer_.peek().type == TokenType::Whitespace || lexer_.peek().type == TokenType::Newline) {
        lexer_.next();
    }
}

std::string Parser::full_key(const Path& key) const {
    Path full = prefix_;
    full.insert(full.end(), path_.begin(), path_.end());
    full.insert(full.end(), key.begin(), key.end());
    return render_path(full);
}

core::Result<Value, ParseError> Parser::parse_document() {
    skip_whitespace_and_newlines();
    const Token& first = lexer_.peek();
    if (first.type == TokenType::OpenBracket) {
        return core::unexpected(error_at(first, "the root of a configuration must be an object, not an array"));
    }
    if (first.type != TokenType::OpenBrace) {
        return parse_object(nullptr);
    }
    const Token open = lexer_.next();
    auto root = parse_object(&open);
    if (!root) {
        return root;
    }
    skip_whitespace_and_newlines();
    if (const Token& rest = lexer_.peek(); rest.type != TokenType::End) {
        return core::unexpected(error_at(rest, "unexpected " + describe(rest) + " after the root object's '}'"));
    }
    return root;
}

core::Result<Value, ParseError> Parser::parse_object(const Token* open) {
    if (++depth_ > kMaxNesting) {
        return core::unexpected(error_at(*open, "objects and arrays nested too deeply"));
    }
    const Origin origin = open ? lexer_.origin_of(*open) : Origin{origin_name_, 1, 1};
    Value::Object members;
    while (true) {
        skip_whitespace_and_newlines();
        const Token& token = lexer_.peek();
        if (token.type == TokenType::End) {
            if (open) {
                return core::unexpected(error_at(*open, "'{' is never closed", full_key({})));
            }
            break;
        }
        if (token.type == TokenType::CloseBrace) {
            if (!open) {
                return core::unexpected(error_at(token, "unexpected '}' (no '{' is open)"));
            }
            lexer_.next();
            break;
        }
        if (Status failed = parse_field(members)) {
            return core::unexpected(std::move(*failed));
        }
        skip_whitespace();
        const Token& after = lexer_.peek();
        if (after.type == TokenType::Comma) {
            lexer_.next();
            skip_whitespace_and_newlines();
            if (const Token& again = lexer_.peek(); again.type == TokenType::Comma) {
                return core::unexpected(error_at(again, "unexpected ',' (two commas in a row)"));
            }
        } else if (after.type != TokenType::Newline && after.type != TokenType::CloseBrace &&
                   after.type != TokenType::End) {
            return core::unexpected(
                error_at(after, "unexpected " + describe(after) + " (fields are separated by ',' or a newline)"));
        }
    }
    --depth_;
    return Value::object(std::move(members), origin);
}

bool Parser::at_include_statement() {
    const Token& first = lexer_.peek();
    if (first.type != TokenType::Unquoted || first.text != "include") {
        return false;
    }
    std::size_t ahead = 1;
    while (lexer_.peek(ahead).type == TokenType::Whitespace || lexer_.peek(ahead).type == TokenType::Newline) {
        ++ahead;
    }
    const Token& argument = lexer_.peek(ahead);
    if (argument.type == TokenType::Quoted) {
        return true;
    }
    if (argument.type != TokenType::Unquoted) {
        return false;
    }
    for (std::string_view opening : {"file(", "required(", "url(", "classpath("}) {
        if (std::string_view(argument.text).substr(0, opening.size()) == opening) {
            return true;
        }
    }
    return false;
}

Parser::Status Parser::parse_field(Value::Object& members) {
    const Token first = lexer_.peek();
    switch (first.type) {
        case TokenType::Equals:
        case TokenType::Colon:
        case TokenType::PlusEquals: return error_at(first, "expected a key before " + describe(first));
        case TokenType::Comma: return error_at(first, "unexpected ','");
        default: break;
    }
    if (at_include_statement()) {
        const Token keyword = lexer_.next();
        return parse_include(members, keyword);
    }
    auto key = parse_key();
    if (!key) {
        return key.error();
    }
    const std::string key_text = full_key(*key);
    const Origin key_origin = lexer_.origin_of(first);
    skip_whitespace();
    const Token separator = lexer_.peek();
    path_.insert(path_.end(), key->begin(), key->end());
    core::Result<Value, ParseError> value = Value();
    switch (separator.type) {
        case TokenType::OpenBrace: value = parse_concatenation(key_text); break;
        case TokenType::Equals:
        case TokenType::Colon:
            lexer_.next();
            value = parse_value(separator, key_text);
            break;
        case TokenType::PlusEquals: {
            // `a += x` means `a = ${?a} [x]`, with the full path of `a`.
            lexer_.next();
            value = parse_value(separator, key_text);
            if (value) {
                Value self = Value::substitution(key_text, true, key_origin);
                const Origin origin = value->origin();
                Value appended = Value::array({std::move(*value)}, origin);
                value = Value::concatenation({std::move(self), std::move(appended)}, origin);
            }
            break;
        }
        default:
            value = core::unexpected(error_at(
                separator, "expected '=', ':' or '{' after key '" + key_text + "', found " + describe(separator),
                key_text));
            break;
    }
    path_.resize(path_.size() - key->size());
    if (!value) {
        return value.error();
    }
    Value nested = std::move(*value);
    for (std::size_t i = key->size() - 1; i > 0; --i) {
        Value::Object wrapper;
        wrapper.emplace((*key)[i], std::move(nested));
        nested = Value::object(std::move(wrapper), key_origin);
    }
    merge_into(members, key->front(), std::move(nested));
    return std::nullopt;
}

core::Result<Path, ParseError> Parser::parse_key() {
    PathBuilder builder;
    const Token first = lexer_.peek();
    bool any = false;
    while (true) {
        const Token& token = lexer_.peek();
        if (token.type == TokenType::Unquoted || token.type == TokenType::Number) {
            builder.add_unquoted(token.text);
        } else if (token.type == TokenType::Quoted) {
            builder.add_quoted(token.text);
        } else if (token.type == TokenType::Whitespace && any) {
            const TokenType after = lexer_.peek(1).type;
            if (after != TokenType::Unquoted && after != TokenType::Number && after != TokenType::Quoted) {
                break;  // whitespace before the separator is not part of the key
            }
            builder.add_whitespace(token.text);
        } else if (token.type == TokenType::Substitution) {
            return core::unexpected(error_at(token, "substitutions are not allowed in keys"));
        } else {
            if (!any) {
                return core::unexpected(error_at(token, "expected a key, found " + describe(token)));
            }
            break;
        }
        any = true;
        lexer_.next();
    }
    auto path = builder.finish();
    if (!path) {
        return core::unexpected(error_at(first, "invalid key: " + builder.error()));
    }
    return std::move(*path);
}

core::Result<Value, ParseError> Parser::parse_value(const Token& separator, const std::string& key) {
    skip_whitespace();
    if (lexer_.peek().type == TokenType::Newline) {
        // JSON allows a newline after ':'; when no value follows, the separator is the place to point at.
        skip_whitespace_and_newlines();
        if (const Token& token = lexer_.peek(); !starts_value(token.type)) {
            if (token.type == TokenType::Error) {
                return core::unexpected(lexer_.error());
            }
            return core::unexpected(error_at(separator, "expected a value after " + describe(separator), key));
        }
    }
    if (const Token& token = lexer_.peek(); !starts_value(token.type)) {
        return core::unexpected(error_at(token, "expected a value, found " + describe(token), key));
    }
    return parse_concatenation(key);
}

core::Result<Value, ParseError> Parser::parse_concatenation(const std::string& key) {
    const Origin origin = lexer_.origin_of(lexer_.peek());
    Value::Array parts;
    bool has_substitution = false;
    while (true) {
        const Token& token = lexer_.peek();
        if (starts_value(token.type)) {
            auto part = parse_part(key);
            if (!part) {
                return part;
            }
            has_substitution = has_substitution || part->kind() == Kind::Substitution;
            parts.push_back(std::move(*part));
        } else if (token.type == TokenType::Whitespace && !parts.empty() && starts_value(lexer_.peek(1).type)) {
            // Whitespace between values is part of a joined string.
            const Token space = lexer_.next();
            parts.push_back(Value::string(space.text, lexer_.origin_of(space)));
        } else {
            break;
        }
    }
    if (parts.size() == 1) {
        return std::move(parts.front());
    }
    if (has_substitution) {
        return Value::concatenation(std::move(parts), origin);
    }
    std::vector<ConcatPart> literal;
    literal.reserve(parts.size());
    for (Value& part : parts) {
        literal.push_back(ConcatPart{std::move(part), false});
    }
    auto joined = join_concatenation(literal, origin, key);
    if (!joined) {
        return core::unexpected(joined.error());
    }
    if (!*joined) {
        // Only whitespace, quoted (`" " " "`): no part is undefined here, so the value is the joined text.
        std::string text;
        for (const ConcatPart& part : literal) {
            text += part.value->text();
        }
        return Value::string(std::move(text), origin);
    }
    return std::move(**joined);
}

core::Result<Value, ParseError> Parser::parse_part(const std::string& key) {
    const Token token = lexer_.next();
    const Origin origin = lexer_.origin_of(token);
    switch (token.type) {
        case TokenType::Number: return Value::number(token.text, origin);
        case TokenType::Quoted: return Value::string(token.text, origin);
        case TokenType::Unquoted:
            if (token.text == "true" || token.text == "false") {
                return Value::boolean(token.text == "true", origin);
            }
            if (token.text == "null") {
                return Value::null(origin);
            }
            return Value::string(token.text, origin);
        case TokenType::Substitution: {
            auto path = parse_path(token.text);
            if (!path) {
                return core::unexpected(error_at(token, "invalid path in substitution " + describe(token), key));
            }
            // A file included inside an object sees its substitutions fixed up to that object's path first.
            Path full = prefix_;
            full.insert(full.end(), path->begin(), path->end());
            Value substitution = Value::substitution(render_path(full), token.optional, origin);
            ValueAccess::set_include_prefix(substitution, static_cast<int>(prefix_.size()));
            return substitution;
        }
        case TokenType::OpenBrace: return parse_object(&token);
        case TokenType::OpenBracket: return parse_array(token, key);
        default: return core::unexpected(error_at(token, "expected a value, found " + describe(token), key));
    }
}

core::Result<Value, ParseError> Parser::parse_array(const Token& open, const std::string& key) {
    if (++depth_ > kMaxNesting) {
        return core::unexpected(error_at(open, "objects and arrays nested too deeply", key));
    }
    Value::Array items;
    while (true) {
        skip_whitespace_and_newlines();
        const Token& token = lexer_.peek();
        if (token.type == TokenType::End) {
            return core::unexpected(error_at(open, "'[' is never closed", key));
        }
        if (token.type == TokenType::CloseBracket) {
            lexer_.next();
            break;
        }
        if (!starts_value(token.type)) {
            return core::unexpected(error_at(token, "expected an array element or ']', found " + describe(token), key));
        }
        auto item = parse_concatenation(key);
        if (!item) {
            return item;
        }
        items.push_back(std::move(*item));
        skip_whitespace();
        const Token& after = lexer_.peek();
        if (after.type == TokenType::Comma) {
            lexer_.next();
            skip_whitespace_and_newlines();
            if (const Token& again = lexer_.peek(); again.type == TokenType::Comma) {
                return core::unexpected(error_at(again, "unexpected ',' (two commas in a row)", key));
            }
        } else if (after.type != TokenType::Newline && after.type != TokenType::CloseBracket &&
                   after.type != TokenType::End) {
            return core::unexpected(
                error_at(after, "expected ',' or ']' after an array element, found " + describe(after), key));
        }
    }
    --depth_;
    return Value::array(std::move(items), lexer_.origin_of(open));
}

}  // namespace detail

core::Result<Value, ParseError> parse_string(std::string_view text, const std::string& origin_name,
                                             const ParseOptions& options) {
    detail::IncludeContext context{options, {}, 0};
    if (!origin_name.empty() && origin_name.front() != '<') {
        std::error_code ignored;
        context.files.push_back(std::filesystem::weakly_canonical(origin_name, ignored));
    }
    detail::Parser parser(text, origin_name, {}, context);
    return parser.parse_document();
}

core::Result<Value, ParseError> parse_file(const std::filesystem::path& path, const ParseOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::unexpected(ParseError{Origin{path.string(), 0, 0}, "cannot open the file", {}});
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_string(text.str(), path.string(), options);
}

}  // namespace jicofo::config::hocon
