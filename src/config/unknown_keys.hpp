// Warnings for keys under `jicofo` (and `tracing`) that jicofo-native does not know, with the closest known key.
#pragma once

#include <string>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/config/jicofo_config.hpp"

namespace jicofo::config::detail {

// `reference` is the parsed built-in reference.conf: its keys, plus the documented keys without a default, are
// the known ones. Open-ended maps (visitor nodes, HTTP headers, source-signaling-delays) accept any key.
std::vector<ConfigWarning> unknown_key_warnings(const hocon::Value& reference, const hocon::Value& effective);

// Optimal-string-alignment distance (a transposition costs one edit).
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace jicofo::config::detail
