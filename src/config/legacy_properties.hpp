// The legacy sip-communicator.properties: a Java .properties reader and the mapping of the org.jitsi.jicofo.* names
// Jicofo still honours onto jicofo.conf keys. The result is a HOCON layer placed above the operator's file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/core/result.hpp"

namespace jicofo::config::detail {

struct Property {
    std::string key;
    std::string value;
    int line = 0;  // where the logical line starts
};

// java.util.Properties syntax: `key=value`, `key: value` or `key value`; `#`/`!` comment lines; a trailing backslash
// continues the line; escapes \t \n \r \f \\ \uXXXX (written out as UTF-8). Later duplicates win.
std::vector<Property> parse_properties(std::string_view text);

struct LegacyLayer {
    hocon::Value overrides;  // an object tree rooted like jicofo.conf
    // XMPP_MUC_COMPONENT_PREFIX needs the final xmpp-domain, so it is applied after resolution.
    std::optional<Property> muc_component_prefix;
    std::string origin;
};

// Converts the properties Jicofo maps (see docs/configuration.md); unknown org.jitsi.jicofo.* and org.jitsi.focus.*
// names become warnings.
core::Result<LegacyLayer, ConfigError> legacy_layer(const std::vector<Property>& properties, const std::string& origin,
                                                    std::vector<ConfigWarning>& warnings);

// Applies the conversions that need resolved values to the resolved tree.
std::optional<ConfigError> apply_deferred_legacy(const LegacyLayer& layer, hocon::Value& resolved);

// Sets a dotted path (no quoted segments) in an object tree, creating the objects on the way.
void set_path(hocon::Value& root, std::string_view path, hocon::Value value);

}  // namespace jicofo::config::detail
