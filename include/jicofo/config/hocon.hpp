// A HOCON reader covering what real jicofo.conf files use: a parsed tree of values that keeps where each came
// from, merged in layers (reference, user file, legacy overrides) and resolved once all layers are in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::config::hocon {

// Where a value (or an error) was found. Lines and columns count from 1; 0 means unknown.
struct Origin {
    std::string file;  // a path, or a name such as "<reference.conf>" for text that has no file
    int line = 0;
    int column = 0;

    // "file:line:column", leaving out the parts that are unknown.
    [[nodiscard]] std::string describe() const;
};

namespace detail {
struct ValueAccess;  // the parser, merge() and resolve() reach the unresolved-tree bookkeeping of Value through it
}  // namespace detail

enum class Kind {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
    // Only in unresolved trees (the output of parse_*, before resolve()):
    Substitution,   // ${path} or ${?path}
    Concatenation,  // adjacent values joined: `30 seconds`, `${a}/x`, `${?a} [1]`, `[1] [2]`, `{a=1} {b=2}`
};

class Value {
public:
    using Array = std::vector<Value>;
    using Object = std::map<std::string, Value>;

    Value() = default;  // Null with an unknown origin

    static Value null(Origin origin);
    static Value boolean(bool flag, Origin origin);
    // A number exactly as written ("15", "-1", "0.8", "1e3").
    static Value number(std::string text, Origin origin);
    static Value string(std::string text, Origin origin);
    static Value array(Array items, Origin origin);
    static Value object(Object members, Origin origin);
    static Value substitution(std::string path, bool optional, Origin origin);
    static Value concatenation(Array parts, Origin origin);

    [[nodiscard]] Kind kind() const { return kind_; }
    [[nodiscard]] const Origin& origin() const { return origin_; }
    [[nodiscard]] bool is_object() const { return kind_ == Kind::Object; }
    [[nodiscard]] bool is_array() const { return kind_ == Kind::Array; }
    [[nodiscard]] bool is_scalar() const;  // Null, Boolean, Number or String

    // Scalars: the text as written ("true", "15", "30 seconds", "null"); for Substitution the path.
    [[nodiscard]] const std::string& text() const { return text_; }
    // Substitution only.
    [[nodiscard]] bool optional() const { return optional_; }
    // Array items, or Concatenation parts.
    [[nodiscard]] const Array& items() const { return items_; }
    [[nodiscard]] Array& items() { return items_; }
    // Object members.
    [[nodiscard]] const Object& members() const { return members_; }
    [[nodiscard]] Object& members() { return members_; }

    // Looks up a dotted path ("jicofo.xmpp.client.port") through nested objects; nullptr when absent.
    // Path elements may be quoted ("jicofo.\"a.b\"") to contain dots.
    [[nodiscard]] const Value* find(std::string_view path) const;

private:
    friend struct detail::ValueAccess;

    Kind kind_ = Kind::Null;
    Origin origin_;
    std::string text_;
    bool optional_ = false;
    Array items_;
    Object members_;
    // Unresolved trees only. The value this one overrode, kept because a self-reference (`a = ${a} [x]`, `+=`), an
    // undefined `${?x}` (the previous value stays) or a substitution that turns out to be an object (it merges with
    // an object below it) needs it once substitutions are known.
    std::shared_ptr<const Value> previous_;
    // Substitution only: how many leading path elements an include inside an object added to the path as written;
    // HOCON looks the prefixed path up first, then the path as written.
    int include_prefix_ = 0;
};

struct ParseError {
    Origin origin;
    std::string message;  // what is wrong, e.g. "expected '=' or ':' after key"
    std::string key;      // the dotted key being defined, when known

    // "file:line:column: message (key 'a.b.c')"
    [[nodiscard]] std::string describe() const;
};

// Looks up an environment variable; tests pass a fake. Default: std::getenv.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

struct ParseOptions {
    // Maximum include depth, against include cycles.
    int max_include_depth = 16;
};

// Parses HOCON text. Includes (`include "x.conf"`, `include file("x.conf")`, `include required(file("x"))`) are
// read relative to the directory of `origin_name` (or the working directory when that is not a path); a missing
// non-required include is skipped, as HOCON says. Substitutions are left unresolved.
core::Result<Value, ParseError> parse_string(std::string_view text, const std::string& origin_name,
                                             const ParseOptions& options = {});
core::Result<Value, ParseError> parse_file(const std::filesystem::path& path, const ParseOptions& options = {});

// Layers two trees: keys of `overrides` win; where both sides hold an object at a key, the objects merge
// recursively; anything else in `overrides` replaces the fallback's value. Neither tree needs to be resolved.
Value merge(const Value& overrides, const Value& fallback);

// Resolves every Substitution and Concatenation of a merged tree: ${a.b} looks in the tree first, then in the
// environment (so ${?JICOFO_PORT} reads the environment when the tree has no such key); an unresolved ${a} is an
// error; an unresolved ${?a} removes the field (or the array element) that holds it. Cycles are errors.
core::Result<Value, ParseError> resolve(const Value& root,
                                        const EnvironmentLookup& environment = process_environment());

}  // namespace jicofo::config::hocon
