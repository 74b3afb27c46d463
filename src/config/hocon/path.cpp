// Path expressions: keys and substitution paths split on unquoted dots, quoted elements kept whole.
#include "path.hpp"

#include "lexer.hpp"

namespace jicofo::config::hocon::detail {

void PathBuilder::add_unquoted(std::string_view text) {
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        if (dot == std::string_view::npos) {
            if (start < text.size()) {
                current_.append(text.substr(start));
                current_has_content_ = true;
            }
            return;
        }
        if (dot > start) {
            current_.append(text.substr(start, dot - start));
            current_has_content_ = true;
        }
        end_element();
        start = dot + 1;
    }
}

void PathBuilder::add_quoted(std::string_view text) {
    current_.append(text);
    current_has_content_ = true;
}

void PathBuilder::add_whitespace(std::string_view text) {
    current_.append(text);
}

void PathBuilder::end_element() {
    if (!current_has_content_ && error_.empty()) {
        error_ = "a path element is empty (quote it as \"\" if that is meant)";
    }
    elements_.push_back(std::move(current_));
    current_.clear();
    current_has_content_ = false;
}

std::optional<Path> PathBuilder::finish() {
    end_element();
    if (!error_.empty()) {
        return std::nullopt;
    }
    return std::move(elements_);
}

std::optional<Path> parse_path(std::string_view text) {
    Lexer lexer(text, "<path>");
    PathBuilder builder;
    // Whitespace counts only between pieces, as in keys.
    while (lexer.peek().type == TokenType::Whitespace) {
        lexer.next();
    }
    bool any = false;
    while (true) {
        Token token = lexer.next();
        switch (token.type) {
            case TokenType::Unquoted:
            case TokenType::Number: builder.add_unquoted(token.text); break;
            case TokenType::Quoted: builder.add_quoted(token.text); break;
            case TokenType::Whitespace: {
                const TokenType after = lexer.peek().type;
                if (after != TokenType::End) {
                    builder.add_whitespace(token.text);
                }
                continue;
            }
            case TokenType::End: return any ? builder.finish() : std::nullopt;
            default: return std::nullopt;
        }
        any = true;
    }
}

namespace {

bool needs_quotes(const std::string& element) {
    if (element.empty()) {
        return true;
    }
    for (const char c : element) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= ' ' || byte >= 0x7F || c == '.' || c == '$' || c == '"' || c == '{' || c == '}' || c == '[' ||
            c == ']' || c == ':' || c == '=' || c == ',' || c == '+' || c == '#' || c == '`' || c == '^' || c == '?' ||
            c == '!' || c == '@' || c == '*' || c == '&' || c == '\\' || c == '/') {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string render_path(const Path& path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (i > 0) {
            out += '.';
        }
        const std::string& element = path[i];
        if (!needs_quotes(element)) {
            out += element;
            continue;
        }
        out += '"';
        for (const char c : element) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\t': out += "\\t"; break;
                case '\r': out += "\\r"; break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        static constexpr char kHex[] = "0123456789abcdef";
                        out += "\\u00";
                        out += kHex[(c >> 4) & 0xF];
                        out += kHex[c & 0xF];
                    } else {
                        out += c;
                    }
                    break;
            }
        }
        out += '"';
    }
    return out;
}

bool starts_with(const Path& path, const Path& prefix) {
    if (prefix.size() > path.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (path[i] != prefix[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace jicofo::config::hocon::detail
