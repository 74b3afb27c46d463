// Setting keys in an operator's jicofo.conf without rewriting it: what the package's postinst uses (as Jicofo's uses
// ruby-hocon) to fill in the XMPP account and the brewery on install while keeping every edit the administrator made.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::config {

// One `path=value` argument: a HOCON path (quoted segments allowed) and a HOCON value as it would be written in the
// file ("\"meet.example.com\"", "[ \"recorder.example.com\" ]", "5222").
struct Assignment {
    std::string path;
    std::string value;
};

enum class SetMode {
    OnlyAbsent,  // a key that is present keeps its value, whatever it is
    Always,      // a key that is present with another value gets the new one (a later definition overrides it)
};

// Splits "path=value" at the first '=' and checks that both halves are valid HOCON.
core::Result<Assignment, std::string> parse_assignment(std::string_view argument);

struct EditResult {
    std::string text;                  // the original text byte for byte, plus the lines that set the keys
    std::vector<std::string> changed;  // the paths that were set
};

// Adds a `path = value` line for every assignment the mode asks for, at the end of the file (before the closing
// brace when the whole file is one braced object). Nothing of the original text is changed. `origin` names the file
// (includes are read relative to it). The text must parse; the result is parsed again and must hold the values.
core::Result<EditResult, std::string> set_keys(std::string_view original, const std::string& origin,
                                               const std::vector<Assignment>& assignments, SetMode mode);

// set_keys on a file, replaced atomically (same directory, same mode and owner) and only when something changed.
core::Result<std::vector<std::string>, std::string> set_keys_in_file(const std::filesystem::path& file,
                                                                     const std::vector<Assignment>& assignments,
                                                                     SetMode mode);

}  // namespace jicofo::config
