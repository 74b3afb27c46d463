// Path expressions (`a.b."c.d"`): building them from key tokens, parsing them from text, and writing them back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::config::hocon::detail {

using Path = std::vector<std::string>;

// Accumulates the pieces of a key or substitution path: dots split unquoted pieces, quoted pieces never split.
class PathBuilder {
public:
    void add_unquoted(std::string_view text);
    void add_quoted(std::string_view text);
    void add_whitespace(std::string_view text);
    // The finished path, or nullopt (with error()) for an empty element such as `a..b`, `.a` or `a.`.
    std::optional<Path> finish();
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    void end_element();

    Path elements_;
    std::string current_;
    bool current_has_content_ = false;
    std::string error_;
};

// Parses a path expression as written in `${...}` or given to Value::find; nullopt when it is not a valid path.
std::optional<Path> parse_path(std::string_view text);

// Writes a path back as a path expression, quoting elements that need it ("jicofo.\"a.b\"").
std::string render_path(const Path& path);

// True when `path` equals `prefix` or lies below it.
bool starts_with(const Path& path, const Path& prefix);

}  // namespace jicofo::config::hocon::detail
