// Value construction and navigation, descriptions of origins and errors, and the process environment lookup.
#include <cstdlib>
#include <utility>

#include "jicofo/config/hocon.hpp"
#include "path.hpp"

namespace jicofo::config::hocon {

std::string Origin::describe() const {
    std::string out = file;
    if (line > 0) {
        out += (out.empty() ? "" : ":") + std::to_string(line);
        if (column > 0) {
            out += ":" + std::to_string(column);
        }
    }
    return out;
}

std::string ParseError::describe() const {
    std::string out = origin.describe();
    out += out.empty() ? message : ": " + message;
    if (!key.empty()) {
        out += " (key '" + key + "')";
    }
    return out;
}

Value Value::null(Origin origin) {
    Value value;
    value.kind_ = Kind::Null;
    value.origin_ = std::move(origin);
    value.text_ = "null";
    return value;
}

Value Value::boolean(bool flag, Origin origin) {
    Value value;
    value.kind_ = Kind::Boolean;
    value.origin_ = std::move(origin);
    value.text_ = flag ? "true" : "false";
    return value;
}

Value Value::number(std::string text, Origin origin) {
    Value value;
    value.kind_ = Kind::Number;
    value.origin_ = std::move(origin);
    value.text_ = std::move(text);
    return value;
}

Value Value::string(std::string text, Origin origin) {
    Value value;
    value.kind_ = Kind::String;
    value.origin_ = std::move(origin);
    value.text_ = std::move(text);
    return value;
}

Value Value::array(Array items, Origin origin) {
    Value value;
    value.kind_ = Kind::Array;
    value.origin_ = std::move(origin);
    value.items_ = std::move(items);
    return value;
}

Value Value::object(Object members, Origin origin) {
    Value value;
    value.kind_ = Kind::Object;
    value.origin_ = std::move(origin);
    value.members_ = std::move(members);
    return value;
}

Value Value::substitution(std::string path, bool optional, Origin origin) {
    Value value;
    value.kind_ = Kind::Substitution;
    value.origin_ = std::move(origin);
    value.text_ = std::move(path);
    value.optional_ = optional;
    return value;
}

Value Value::concatenation(Array parts, Origin origin) {
    Value value;
    value.kind_ = Kind::Concatenation;
    value.origin_ = std::move(origin);
    value.items_ = std::move(parts);
    return value;
}

bool Value::is_scalar() const {
    return kind_ == Kind::Null || kind_ == Kind::Boolean || kind_ == Kind::Number || kind_ == Kind::String;
}

const Value* Value::find(std::string_view path) const {
    const auto elements = detail::parse_path(path);
    if (!elements) {
        return nullptr;
    }
    const Value* node = this;
    for (const std::string& element : *elements) {
        if (!node->is_object()) {
            return nullptr;
        }
        const auto found = node->members_.find(element);
        if (found == node->members_.end()) {
            return nullptr;
        }
        node = &found->second;
    }
    return node;
}

EnvironmentLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        // getenv is only read, never written, by this program, so reading it here is safe.
        if (const char* value = std::getenv(name.c_str())) {  // NOLINT(concurrency-mt-unsafe)
            return std::string(value);
        }
        return std::nullopt;
    };
}

}  // namespace jicofo::config::hocon
