// Appending `path = value` lines to a jicofo.conf: HOCON lets a later definition of a key override an earlier one, so
// the administrator's text never has to be rewritten, only extended.
#include "jicofo/config/config_edit.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "hocon/lexer.hpp"
#include "jicofo/config/hocon.hpp"

namespace jicofo::config {
namespace {

using hocon::Value;
using hocon::detail::Lexer;
using hocon::detail::Token;
using hocon::detail::TokenType;

constexpr const char* kAssignmentOrigin = "<assignment>";

// Parses "path = value" on its own and returns the value it defines.
core::Result<Value, std::string> parse_single(const Assignment& assignment) {
    auto parsed = hocon::parse_string(assignment.path + " = " + assignment.value + "\n", kAssignmentOrigin);
    if (!parsed) {
        return core::unexpected("invalid assignment '" + assignment.path + "=" + assignment.value +
                                "': " + parsed.error().message);
    }
    const Value* value = parsed->find(assignment.path);
    if (value == nullptr) {
        return core::unexpected("invalid path '" + assignment.path + "'");
    }
    return *value;
}

bool same_value(const Value& a, const Value& b) {
    if (a.kind() != b.kind()) {
        return false;
    }
    if (a.is_scalar()) {
        return a.text() == b.text();
    }
    if (a.is_array()) {
        if (a.items().size() != b.items().size()) {
            return false;
        }
        for (std::size_t i = 0; i < a.items().size(); ++i) {
            if (!same_value(a.items()[i], b.items()[i])) {
                return false;
            }
        }
        return true;
    }
    return false;  // objects, substitutions: set again rather than compare deeply
}

// Byte offset of a token's line and column (columns count UTF-8 characters, as the lexer counts them).
std::optional<std::size_t> offset_of(std::string_view text, int line, int column) {
    int current_line = 1;
    int current_column = 1;
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if ((byte & 0xC0) == 0x80) {
            continue;
        }
        if (current_line == line && current_column == column) {
            return pos;
        }
        if (byte == '\n') {
            ++current_line;
            current_column = 1;
        } else {
            ++current_column;
        }
    }
    return std::nullopt;
}

// Where new lines go: the end of the text, or the closing brace of a root written as `{ ... }`.
core::Result<std::size_t, std::string> insertion_point(std::string_view text, const std::string& origin) {
    Lexer lexer(text, origin);
    std::optional<Token> first;
    std::optional<Token> last;
    for (;;) {
        Token token = lexer.next();
        if (token.type == TokenType::Error) {
            return core::unexpected(lexer.error().describe());
        }
        if (token.type == TokenType::End) {
            break;
        }
        if (token.type == TokenType::Whitespace || token.type == TokenType::Newline) {
            continue;
        }
        if (!first) {
            first = token;
        }
        last = token;
    }
    if (!first || first->type != TokenType::OpenBrace) {
        return text.size();
    }
    if (!last || last->type != TokenType::CloseBrace) {
        return core::unexpected(std::string("the root object has no closing brace"));
    }
    auto offset = offset_of(text, last->line, last->column);
    if (!offset) {
        return core::unexpected(std::string("cannot locate the root object's closing brace"));
    }
    return *offset;
}

std::string system_error_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

}  // namespace

core::Result<Assignment, std::string> parse_assignment(std::string_view argument) {
    auto equals = argument.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        return core::unexpected("expected path=value, got '" + std::string(argument) + "'");
    }
    Assignment assignment{std::string(argument.substr(0, equals)), std::string(argument.substr(equals + 1))};
    if (auto checked = parse_single(assignment); !checked) {
        return core::unexpected(checked.error());
    }
    return assignment;
}

core::Result<EditResult, std::string> set_keys(std::string_view original, const std::string& origin,
                                               const std::vector<Assignment>& assignments, SetMode mode) {
    auto parsed = hocon::parse_string(original, origin);
    if (!parsed) {
        return core::unexpected(parsed.error().describe());
    }
    std::string lines;
    EditResult result;
    for (const auto& assignment : assignments) {
        auto wanted = parse_single(assignment);
        if (!wanted) {
            return core::unexpected(wanted.error());
        }
        const Value* present = parsed->find(assignment.path);
        if (present != nullptr && (mode == SetMode::OnlyAbsent || same_value(*present, *wanted))) {
            continue;
        }
        lines += assignment.path + " = " + assignment.value + "\n";
        result.changed.push_back(assignment.path);
    }
    if (result.changed.empty()) {
        result.text = std::string(original);
        return result;
    }
    auto at = insertion_point(original, origin);
    if (!at) {
        return core::unexpected(at.error());
    }
    result.text.reserve(original.size() + lines.size() + 1);
    result.text.append(original.substr(0, *at));
    if (*at > 0 && result.text.back() != '\n') {
        result.text += '\n';
    }
    result.text += lines;
    result.text.append(original.substr(*at));

    // The new text must still parse and hold every value set, or the file is left as it was.
    auto check = hocon::parse_string(result.text, origin);
    if (!check) {
        return core::unexpected("the edited file would not parse: " + check.error().describe());
    }
    for (const auto& assignment : assignments) {
        const Value* now = check->find(assignment.path);
        auto wanted = parse_single(assignment);
        if (now == nullptr || (mode == SetMode::Always && !same_value(*now, *wanted))) {
            return core::unexpected("the edited file would not set '" + assignment.path + "'");
        }
    }
    return result;
}

core::Result<std::vector<std::string>, std::string> set_keys_in_file(const std::filesystem::path& file,
                                                                     const std::vector<Assignment>& assignments,
                                                                     SetMode mode) {
    struct stat status {};
    if (::stat(file.c_str(), &status) != 0) {
        return core::unexpected(file.string() + ": " + system_error_text(errno));
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream original;
    original << in.rdbuf();
    if (!in) {
        return core::unexpected(file.string() + ": cannot be read");
    }
    auto edited = set_keys(original.str(), file.string(), assignments, mode);
    if (!edited) {
        return core::unexpected(edited.error());
    }
    if (edited->changed.empty()) {
        return edited->changed;
    }
    const std::filesystem::path temporary = file.string() + ".new";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << edited->text;
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            return core::unexpected(temporary.string() + ": cannot be written");
        }
    }
    // The file may hold the XMPP password: the copy gets the original's mode and owner before it takes its place.
    if (::chmod(temporary.c_str(), status.st_mode & 07777) != 0 ||
        (::chown(temporary.c_str(), status.st_uid, status.st_gid) != 0 && errno != EPERM)) {
        const int error = errno;
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return core::unexpected(temporary.string() + ": " + system_error_text(error));
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        const int error = errno;
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return core::unexpected(file.string() + ": " + system_error_text(error));
    }
    return edited->changed;
}

}  // namespace jicofo::config
