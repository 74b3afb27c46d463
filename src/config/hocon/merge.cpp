// Layering of values (HOCON's duplicate-key rules) and joining value concatenations; merge() of the public API.
#include "merge.hpp"

#include <memory>
#include <utility>

#include "lexer.hpp"
#include "value_access.hpp"

namespace jicofo::config::hocon {
namespace detail {
namespace {

Value with_previous(const Value& value, std::shared_ptr<const Value> previous) {
    Value result = value;
    ValueAccess::set_previous(result, std::move(previous));
    return result;
}

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::Null: return "null";
        case Kind::Boolean: return "a boolean";
        case Kind::Number: return "a number";
        case Kind::String: return "a string";
        case Kind::Array: return "an array";
        case Kind::Object: return "an object";
        case Kind::Substitution: return "a substitution";
        case Kind::Concatenation: return "a concatenation";
    }
    return "a value";
}

// Whitespace the parser kept between the parts of a concatenation; it only matters when strings are joined. Only
// what the lexer reads as whitespace counts: other text, whatever its bytes, is a value.
bool is_filler(const ConcatPart& part) {
    if (part.from_substitution || !part.value || part.value->kind() != Kind::String || part.value->text().empty()) {
        return false;
    }
    std::string_view text = part.value->text();
    while (!text.empty()) {
        const std::size_t length = whitespace_length_at(text);
        if (length == 0) {
            return false;
        }
        text.remove_prefix(length);
    }
    return true;
}

}  // namespace

Value merge_values(const Value& over, const Value& fallback) {
    if (const auto& previous = ValueAccess::shared_previous(over)) {
        // What `over` overrode sits between it and `fallback`: the fallback goes below the bottom of that chain.
        return with_previous(over, std::make_shared<const Value>(merge_values(*previous, fallback)));
    }
    if (over.is_object()) {
        if (fallback.is_object()) {
            Value::Object members = fallback.members();
            for (const auto& [key, value] : over.members()) {
                merge_into(members, key, value);
            }
            Value result = Value::object(std::move(members), over.origin());
            ValueAccess::set_previous(result, ValueAccess::shared_previous(fallback));
            return result;
        }
        if (needs_resolution(fallback)) {
            // `a = ${x}` then `a { b = 1 }`: if ${x} turns out to be an object, the two merge.
            return with_previous(over, std::make_shared<const Value>(fallback));
        }
        return over;
    }
    if (contains_substitution(over)) {
        return with_previous(over, std::make_shared<const Value>(fallback));
    }
    return over;
}

void merge_into(Value::Object& members, const std::string& key, Value value) {
    auto found = members.find(key);
    if (found == members.end()) {
        members.emplace(key, std::move(value));
        return;
    }
    found->second = merge_values(value, found->second);
}

bool contains_substitution(const Value& value) {
    switch (value.kind()) {
        case Kind::Substitution:
        case Kind::Concatenation: return true;
        case Kind::Array:
            for (const Value& item : value.items()) {
                if (contains_substitution(item)) {
                    return true;
                }
            }
            return false;
        case Kind::Object:
            for (const auto& [key, member] : value.members()) {
                if (contains_substitution(member)) {
                    return true;
                }
            }
            return false;
        default: return false;
    }
}

bool needs_resolution(const Value& value) {
    return value.kind() == Kind::Substitution || value.kind() == Kind::Concatenation ||
           (value.is_object() && ValueAccess::previous(value) != nullptr);
}

core::Result<std::optional<Value>, ParseError> join_concatenation(const std::vector<ConcatPart>& parts,
                                                                  const Origin& origin, const std::string& key) {
    bool any_defined = false;
    bool structured = false;
    Kind structured_kind = Kind::Object;
    std::size_t defined = 0;
    for (const ConcatPart& part : parts) {
        if (!part.value) {
            continue;
        }
        ++defined;
        any_defined = any_defined || !is_filler(part);
        if (!structured && (part.value->is_object() || part.value->is_array())) {
            structured = true;
            structured_kind = part.value->kind();
        }
    }
    if (!any_defined) {
        return std::optional<Value>{};
    }
    if (!structured) {
        if (defined == 1) {
            for (const ConcatPart& part : parts) {
                if (part.value) {
                    return std::optional<Value>{*part.value};
                }
            }
        }
        std::string text;
        for (const ConcatPart& part : parts) {
            if (part.value && !(part.from_substitution && part.value->kind() == Kind::Null)) {
                text += part.value->text();
            }
        }
        return std::optional<Value>{Value::string(std::move(text), origin)};
    }
    // Arrays append and objects merge; whitespace between them means nothing.
    std::optional<Value> joined;
    for (const ConcatPart& part : parts) {
        if (!part.value || is_filler(part)) {
            continue;
        }
        const Value& value = *part.value;
        const Kind expected = joined ? joined->kind() : structured_kind;
        if (value.kind() != expected) {
            return core::unexpected(ParseError{
                value.origin(),
                std::string("cannot concatenate ") + kind_name(expected) + " with " + kind_name(value.kind()), key});
        }
        if (!joined) {
            joined = value;
        } else if (value.is_array()) {
            Value::Array items = joined->items();
            items.insert(items.end(), value.items().begin(), value.items().end());
            joined = Value::array(std::move(items), origin);
        } else {
            joined = merge_values(value, *joined);
        }
    }
    if (joined->is_array()) {
        return std::optional<Value>{Value::array(joined->items(), origin)};
    }
    Value result = Value::object(joined->members(), origin);
    ValueAccess::set_previous(result, ValueAccess::shared_previous(*joined));
    return std::optional<Value>{std::move(result)};
}

}  // namespace detail

Value merge(const Value& overrides, const Value& fallback) {
    return detail::merge_values(overrides, fallback);
}

}  // namespace jicofo::config::hocon
