// Splits HOCON text into tokens that know their line and column. Comments are dropped; whitespace and newlines are
// kept as tokens because value concatenation and field separation depend on them.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "jicofo/config/hocon.hpp"

namespace jicofo::config::hocon::detail {

enum class TokenType {
    End,
    Error,  // the lexer's error() says what is wrong; no token follows
    Newline,
    Whitespace,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Unquoted,
    Number,
    Quoted,        // text is the decoded string, for both "..." and """..."""
    Substitution,  // text is the path expression between ${ and }
};

struct Token {
    TokenType type = TokenType::End;
    std::string text;
    bool optional = false;  // Substitution: written ${?...}
    int line = 0;
    int column = 0;
};

// Human words for a token in error messages: "'}'", "end of file", "newline".
std::string describe(const Token& token);

// Length in bytes of the whitespace character HOCON allows at the start of `text` (newline excluded: ASCII spaces
// and controls, Unicode space separators, the byte order mark), or 0.
[[nodiscard]] std::size_t whitespace_length_at(std::string_view text);

class Lexer {
public:
    Lexer(std::string_view text, std::string origin_name);

    const Token& peek(std::size_t ahead = 0);
    Token next();
    // Set once an Error token has been produced.
    [[nodiscard]] const ParseError& error() const { return *error_; }
    [[nodiscard]] Origin origin_of(const Token& token) const { return {origin_name_, token.line, token.column}; }

private:
    Token lex();
    Token make(TokenType type, std::string text, int line, int column) const;
    Token fail(std::string message, int line, int column);
    void advance(std::size_t bytes);
    [[nodiscard]] bool at(std::string_view what) const { return text_.substr(pos_, what.size()) == what; }
    [[nodiscard]] std::size_t whitespace_length() const;
    [[nodiscard]] std::size_t number_length() const;
    [[nodiscard]] bool unquoted_char_here() const;
    Token lex_quoted(int line, int column);
    Token lex_triple_quoted(int line, int column);
    Token lex_substitution(int line, int column);

    std::string_view text_;
    std::string origin_name_;
    std::size_t pos_ = 0;
    int line_ = 1;
    int column_ = 1;
    bool finished_ = false;
    std::deque<Token> buffer_;
    std::optional<ParseError> error_;
};

}  // namespace jicofo::config::hocon::detail
