// Layering of values (duplicate keys, include merging, merge()) and joining the parts of a value concatenation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/core/result.hpp"

namespace jicofo::config::hocon::detail {

// `over` set after `fallback` for the same key: objects merge, anything else replaces. A replacement that still has
// substitutions keeps `fallback` as its previous value, for self-references and undefined `${?x}`.
Value merge_values(const Value& over, const Value& fallback);

// Sets `key` in `members` to `value`, merging with what is already there.
void merge_into(Value::Object& members, const std::string& key, Value value);

// True when the value holds a substitution anywhere inside it.
bool contains_substitution(const Value& value);

// True when the value cannot be navigated into before resolution: a substitution, a concatenation, or an object
// whose final content depends on the value it overrode.
bool needs_resolution(const Value& value);

struct ConcatPart {
    std::optional<Value> value;      // nullopt: an undefined ${?x}
    bool from_substitution = false;  // a substitution that gave null joins as ""
};

// Joins the parts of a concatenation (without substitutions left in them at the top level): strings join with the
// whitespace kept, arrays append, objects merge with the later one winning. nullopt when every part was undefined.
core::Result<std::optional<Value>, ParseError> join_concatenation(const std::vector<ConcatPart>& parts,
                                                                  const Origin& origin, const std::string& key);

}  // namespace jicofo::config::hocon::detail
