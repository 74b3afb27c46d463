// HOCON tokenizer: JSON strings and numbers, unquoted strings with HOCON's forbidden characters, triple-quoted
// strings, substitutions and comments. Columns count characters (UTF-8 code points), from 1.
#include "lexer.hpp"
#include "jicofo/core/text.hpp"

#include <utility>

namespace jicofo::config::hocon::detail {
namespace {

bool is_forbidden(char c) {
    switch (c) {
        case '$':
        case '"':
        case '{':
        case '}':
        case '[':
        case ']':
        case ':':
        case '=':
        case ',':
        case '+':
        case '#':
        case '`':
        case '^':
        case '?':
        case '!':
        case '@':
        case '*':
        case '&':
        case '\\': return true;
        default: return false;
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::string describe(const Token& token) {
    switch (token.type) {
        case TokenType::End: return "end of file";
        case TokenType::Error: return "an invalid token";
        case TokenType::Newline: return "a newline";
        case TokenType::Whitespace: return "whitespace";
        case TokenType::Comma: return "','";
        case TokenType::Colon: return "':'";
        case TokenType::Equals: return "'='";
        case TokenType::PlusEquals: return "'+='";
        case TokenType::OpenBrace: return "'{'";
        case TokenType::CloseBrace: return "'}'";
        case TokenType::OpenBracket: return "'['";
        case TokenType::CloseBracket: return "']'";
        case TokenType::Unquoted:
        case TokenType::Number: return "'" + token.text + "'";
        case TokenType::Quoted: return "a quoted string";
        case TokenType::Substitution: return std::string("${") + (token.optional ? "?" : "") + token.text + "}";
    }
    return "a token";
}

Lexer::Lexer(std::string_view text, std::string origin_name) : text_(text), origin_name_(std::move(origin_name)) {
    if (at("\xEF\xBB\xBF")) {  // a UTF-8 byte order mark is not content
        pos_ = 3;
    }
}

const Token& Lexer::peek(std::size_t ahead) {
    while (buffer_.size() <= ahead) {
        if (finished_) {
            // After End or Error the same token repeats, so callers never read past the end.
            buffer_.push_back(buffer_.empty() ? make(TokenType::End, "", line_, column_) : buffer_.back());
            continue;
        }
        buffer_.push_back(lex());
        if (buffer_.back().type == TokenType::End || buffer_.back().type == TokenType::Error) {
            finished_ = true;
        }
    }
    return buffer_[ahead];
}

Token Lexer::next() {
    peek();
    Token token = std::move(buffer_.front());
    buffer_.pop_front();
    if (buffer_.empty() && finished_) {
        buffer_.push_back(token);  // keep repeating the final token
    }
    return token;
}

Token Lexer::make(TokenType type, std::string text, int line, int column) const {
    Token token;
    token.type = type;
    token.text = std::move(text);
    token.line = line;
    token.column = column;
    return token;
}

Token Lexer::fail(std::string message, int line, int column) {
    error_ = ParseError{Origin{origin_name_, line, column}, std::move(message), {}};
    return make(TokenType::Error, "", line, column);
}

void Lexer::advance(std::size_t bytes) {
    for (std::size_t i = 0; i < bytes && pos_ < text_.size(); ++i, ++pos_) {
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte == '\n') {
            ++line_;
            column_ = 1;
        } else if ((byte & 0xC0) != 0x80) {
            ++column_;
        }
    }
}

std::size_t whitespace_length_at(std::string_view text) {
    if (text.empty()) {
        return 0;
    }
    const auto c = static_cast<unsigned char>(text.front());
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1F)) {
        return 1;
    }
    // Unicode space separators HOCON counts as whitespace, and the byte order mark.
    static constexpr std::string_view kUnicodeSpaces[] = {
        "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
        "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
        "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    for (std::string_view space : kUnicodeSpaces) {
        if (text.starts_with(space)) {
            return space.size();
        }
    }
    return 0;
}

// Length in bytes of the whitespace character at the current position (newline excluded), or 0.
std::size_t Lexer::whitespace_length() const {
    return pos_ >= text_.size() ? 0 : whitespace_length_at(std::string_view(text_).substr(pos_));
}

// Length of a JSON number starting here (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), or 0.
std::size_t Lexer::number_length() const {
    std::size_t i = pos_;
    auto digit_at = [&](std::size_t at) { return at < text_.size() && is_digit(text_[at]); };
    if (i < text_.size() && text_[i] == '-') {
        ++i;
    }
    if (!digit_at(i)) {
        return 0;
    }
    if (text_[i] == '0') {
        ++i;
    } else {
        while (digit_at(i)) {
            ++i;
        }
    }
    if (i < text_.size() && text_[i] == '.' && digit_at(i + 1)) {
        i += 1;
        while (digit_at(i)) {
            ++i;
        }
    }
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) {
            ++j;
        }
        if (digit_at(j)) {
            i = j;
            while (digit_at(i)) {
                ++i;
            }
        }
    }
    return i - pos_;
}

bool Lexer::unquoted_char_here() const {
    if (pos_ >= text_.size()) {
        return false;
    }
    const char c = text_[pos_];
    return c != '\n' && !is_forbidden(c) && whitespace_length() == 0 && !at("//");
}

Token Lexer::lex() {
    while (true) {
        if (pos_ >= text_.size()) {
            return make(TokenType::End, "", line_, column_);
        }
        const int line = line_;
        const int column = column_;
        const char c = text_[pos_];
        if (c == '\n') {
            advance(1);
            return make(TokenType::Newline, "\n", line, column);
        }
        if (whitespace_length() > 0) {
            const std::size_t start = pos_;
            while (std::size_t length = whitespace_length()) {
                advance(length);
            }
            return make(TokenType::Whitespace, std::string(text_.substr(start, pos_ - start)), line, column);
        }
        if (c == '#' || at("//")) {
            while (pos_ < text_.size() && text_[pos_] != '\n') {
                advance(1);
            }
            continue;
        }
        auto single = [&](TokenType type) {
            advance(1);
            return make(type, std::string(1, c), line, column);
        };
        switch (c) {
            case ',': return single(TokenType::Comma);
            case ':': return single(TokenType::Colon);
            case '=': return single(TokenType::Equals);
            case '{': return single(TokenType::OpenBrace);
            case '}': return single(TokenType::CloseBrace);
            case '[': return single(TokenType::OpenBracket);
            case ']': return single(TokenType::CloseBracket);
            case '"': return at("\"\"\"") ? lex_triple_quoted(line, column) : lex_quoted(line, column);
            default: break;
        }
        if (at("+=")) {
            advance(2);
            return make(TokenType::PlusEquals, "+=", line, column);
        }
        if (at("${")) {
            return lex_substitution(line, column);
        }
        if (c == '-' || is_digit(c)) {
            if (const std::size_t length = number_length(); length > 0) {
                const std::size_t start = pos_;
                advance(length);
                return make(TokenType::Number, std::string(text_.substr(start, length)), line, column);
            }
        }
        const std::size_t start = pos_;
        while (unquoted_char_here()) {
            advance(1);
        }
        if (pos_ == start) {
            return fail(std::string("unexpected character '") + c + "'", line, column);
        }
        return make(TokenType::Unquoted, std::string(text_.substr(start, pos_ - start)), line, column);
    }
}

Token Lexer::lex_quoted(int line, int column) {
    advance(1);
    std::string out;
    while (true) {
        if (pos_ >= text_.size() || text_[pos_] == '\n') {
            return fail("unterminated quoted string", line, column);
        }
        const char c = text_[pos_];
        if (c == '"') {
            advance(1);
            return make(TokenType::Quoted, std::move(out), line, column);
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            return fail("control character in a quoted string (write it as an escape such as \\t)", line_, column_);
        }
        if (c != '\\') {
            out += c;
            advance(1);
            continue;
        }
        const int escape_line = line_;
        const int escape_column = column_;
        if (pos_ + 1 >= text_.size()) {
            return fail("unterminated quoted string", line, column);
        }
        const char e = text_[pos_ + 1];
        switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto read_hex4 = [&](std::size_t at) -> int {
                    if (at + 4 > text_.size()) {
                        return -1;
                    }
                    int code = 0;
                    for (std::size_t i = at; i < at + 4; ++i) {
                        const int digit = core::hex_value(text_[i]);
                        if (digit < 0) {
                            return -1;
                        }
                        code = code * 16 + digit;
                    }
                    return code;
                };
                int code = read_hex4(pos_ + 2);
                if (code < 0) {
                    return fail("invalid \\u escape: expected four hexadecimal digits", escape_line, escape_column);
                }
                std::size_t consumed = 6;
                if (code >= 0xD800 && code <= 0xDBFF && text_.substr(pos_ + 6, 2) == "\\u") {
                    const int low = read_hex4(pos_ + 8);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        consumed = 12;
                    }
                }
                if (code >= 0xD800 && code <= 0xDFFF) {
                    code = 0xFFFD;  // a lone surrogate cannot be written as UTF-8
                }
                core::append_utf8(out, static_cast<char32_t>(code));
                advance(consumed);
                continue;
            }
            default:
                return fail(std::string("invalid escape sequence '\\") + e + "' in a quoted string", escape_line,
                            escape_column);
        }
        advance(2);
    }
}

Token Lexer::lex_triple_quoted(int line, int column) {
    advance(3);
    std::string out;
    while (pos_ < text_.size()) {
        if (at("\"\"\"")) {
            // The string ends at the last three quotes of a run: `""""a""""` holds `"a"`.
            std::size_t run = 0;
            while (pos_ + run < text_.size() && text_[pos_ + run] == '"') {
                ++run;
            }
            out.append(run - 3, '"');
            advance(run);
            return make(TokenType::Quoted, std::move(out), line, column);
        }
        out += text_[pos_];
        advance(1);
    }
    return fail("unterminated triple-quoted string", line, column);
}

Token Lexer::lex_substitution(int line, int column) {
    advance(2);
    bool optional = false;
    if (pos_ < text_.size() && text_[pos_] == '?') {
        optional = true;
        advance(1);
    }
    std::string path;
    while (pos_ < text_.size() && text_[pos_] != '\n') {
        const char c = text_[pos_];
        if (c == '}') {
            advance(1);
            Token token = make(TokenType::Substitution, std::move(path), line, column);
            token.optional = optional;
            return token;
        }
        path += c;
        advance(1);
        if (c == '"') {  // copy a quoted path element whole, so a '}' inside it does not end the substitution
            while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') {
                if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
                    path += text_[pos_];
                    advance(1);
                }
                path += text_[pos_];
                advance(1);
            }
            if (pos_ < text_.size() && text_[pos_] == '"') {
                path += '"';
                advance(1);
            }
        }
    }
    return fail("unterminated substitution (missing '}')", line, column);
}

}  // namespace jicofo::config::hocon::detail
