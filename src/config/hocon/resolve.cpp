// resolve(): replaces substitutions with what they point at (the tree first, then the environment), joins
// concatenations, and applies what overridden values still mean (self-references, undefined ${?x}).
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "merge.hpp"
#include "path.hpp"
#include "value_access.hpp"

namespace jicofo::config::hocon {
namespace detail {
namespace {

using Resolved = std::optional<Value>;  // nullopt: undefined (an unset ${?x} and nothing below it)
using Outcome = core::Result<Resolved, ParseError>;
using Lookup = core::Result<const Value*, ParseError>;
using Memo = core::Result<const Resolved*, ParseError>;

// The field whose value is being resolved: a substitution of its own path (or below it) is a self-reference and
// reads the value the field overrode.
struct Field {
    const Path* path = nullptr;
    const Value* previous = nullptr;
};

class Resolver {
public:
    Resolver(const Value& root, const EnvironmentLookup& environment) : root_(root), environment_(environment) {}

    core::Result<Value, ParseError> run() {
        auto resolved = resolve_node(root_, {}, true, Field{});
        if (!resolved) {
            return core::unexpected(resolved.error());
        }
        if (!*resolved) {
            return Value::object({}, root_.origin());
        }
        return std::move(**resolved);
    }

private:
    Outcome resolve_node(const Value& node, const Path& path, bool in_tree, Field field) {
        switch (node.kind()) {
            case Kind::Object: return resolve_object(node, path, in_tree);
            case Kind::Array: {
                Value::Array items;
                for (const Value& item : node.items()) {
                    auto resolved = resolve_node(item, path, false, field);
                    if (!resolved) {
                        return resolved;
                    }
                    if (*resolved) {  // an undefined ${?x} element is left out
                        items.push_back(std::move(**resolved));
                    }
                }
                return Resolved{Value::array(std::move(items), node.origin())};
            }
            case Kind::Substitution: {
                auto resolved = resolve_substitution(node, field);
                if (!resolved) {
                    return resolved;
                }
                return apply_previous(std::move(*resolved), node, path);
            }
            case Kind::Concatenation: {
                std::vector<ConcatPart> parts;
                for (const Value& part : node.items()) {
                    const bool is_substitution = part.kind() == Kind::Substitution;
                    auto resolved =
                        is_substitution ? resolve_substitution(part, field) : resolve_node(part, path, false, field);
                    if (!resolved) {
                        return resolved;
                    }
                    parts.push_back(ConcatPart{std::move(*resolved), is_substitution});
                }
                auto joined = join_concatenation(parts, node.origin(), render_path(path));
                if (!joined) {
                    return core::unexpected(joined.error());
                }
                return apply_previous(std::move(*joined), node, path);
            }
            default: {
                Value copy = node;
                ValueAccess::set_previous(copy, nullptr);
                return Resolved{std::move(copy)};
            }
        }
    }

    Outcome resolve_object(const Value& node, const Path& path, bool in_tree) {
        // Members of an object that is plainly in the tree are shared with lookups (memoised by path); an object
        // whose content depends on what it overrode is resolved as a whole.
        const bool navigable = in_tree && ValueAccess::previous(node) == nullptr;
        Value::Object members;
        for (const auto& [key, member] : node.members()) {
            Path child = path;
            child.push_back(key);
            if (navigable) {
                auto resolved = resolve_tree_path(child, member, nullptr);
                if (!resolved) {
                    return core::unexpected(resolved.error());
                }
                if (**resolved) {
                    members.emplace(key, ***resolved);
                }
            } else {
                auto resolved = resolve_node(member, child, false, Field{&child, ValueAccess::previous(member)});
                if (!resolved) {
                    return resolved;
                }
                if (*resolved) {
                    members.emplace(key, std::move(**resolved));
                }
            }
        }
        return apply_previous(Resolved{Value::object(std::move(members), node.origin())}, node, path);
    }

    // What the overridden value still means: it stays when this one is undefined, and an object below merges into
    // an object this one turned out to be.
    Outcome apply_previous(Resolved value, const Value& node, const Path& path) {
        const Value* previous = ValueAccess::previous(node);
        if (previous == nullptr || (value && !value->is_object())) {
            return value;
        }
        auto below = resolve_previous(*previous, path);
        if (!below) {
            return core::unexpected(below.error());
        }
        if (!value) {
            return **below;
        }
        if (**below && (**below)->is_object()) {
            return Resolved{merge_values(*value, ***below)};
        }
        return value;
    }

    Memo resolve_previous(const Value& previous, const Path& path) {
        if (auto found = previous_done_.find(&previous); found != previous_done_.end()) {
            return &found->second;
        }
        auto resolved = resolve_node(previous, path, false, Field{&path, ValueAccess::previous(previous)});
        if (!resolved) {
            return core::unexpected(resolved.error());
        }
        return &previous_done_.emplace(&previous, std::move(*resolved)).first->second;
    }

    Memo resolve_tree_path(const Path& path, const Value& node, const Value* requested_by) {
        if (auto found = done_.find(path); found != done_.end()) {
            return &found->second;
        }
        if (auto loop = std::find(in_progress_.begin(), in_progress_.end(), path); loop != in_progress_.end()) {
            std::string chain;
            for (auto it = loop; it != in_progress_.end(); ++it) {
                chain += render_path(*it) + " -> ";
            }
            chain += render_path(path);
            const Origin origin = requested_by ? requested_by->origin() : node.origin();
            return core::unexpected(ParseError{origin, "substitution cycle: " + chain, render_path(path)});
        }
        in_progress_.push_back(path);
        auto resolved = resolve_node(node, path, true, Field{&path, ValueAccess::previous(node)});
        in_progress_.pop_back();
        if (!resolved) {
            return core::unexpected(resolved.error());
        }
        return &done_.emplace(path, std::move(*resolved)).first->second;
    }

    // The resolved value at `path` in the tree, or nullptr when there is none (or it is undefined).
    Lookup lookup(const Path& path, const Value& requested_by) {
        const Value* node = &root_;
        bool inside_resolved = false;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (!inside_resolved && i > 0 && needs_resolution(*node)) {
                // Only now is it known what this value is; resolve it to look inside.
                auto resolved =
                    resolve_tree_path(Path(path.begin(), path.begin() + static_cast<long>(i)), *node, &requested_by);
                if (!resolved) {
                    return core::unexpected(resolved.error());
                }
                if (!**resolved) {
                    return nullptr;
                }
                node = &***resolved;
                inside_resolved = true;
            }
            if (!node->is_object()) {
                return nullptr;
            }
            const auto found = node->members().find(path[i]);
            if (found == node->members().end()) {
                return nullptr;
            }
            node = &found->second;
        }
        if (inside_resolved) {
            return node;
        }
        auto resolved = resolve_tree_path(path, *node, &requested_by);
        if (!resolved) {
            return core::unexpected(resolved.error());
        }
        return **resolved ? &***resolved : nullptr;
    }

    Outcome resolve_substitution(const Value& substitution, Field field) {
        const auto path = parse_path(substitution.text());
        const std::string key = field.path ? render_path(*field.path) : std::string();
        if (!path) {
            return core::unexpected(
                ParseError{substitution.origin(), "invalid substitution path '" + substitution.text() + "'", key});
        }
        const auto prefix = static_cast<std::size_t>(ValueAccess::include_prefix(substitution));
        const Path written(path->begin() + static_cast<long>(std::min(prefix, path->size())), path->end());

        if (field.path && !field.path->empty() && starts_with(*path, *field.path)) {
            // `a = ${a} [x]`, `a += x`: the field's own value is being built, so read the one it overrode.
            if (field.previous) {
                auto below = resolve_previous(*field.previous, *field.path);
                if (!below) {
                    return core::unexpected(below.error());
                }
                if (**below) {
                    const Path rest(path->begin() + static_cast<long>(field.path->size()), path->end());
                    if (const Value* found = (**below)->find(render_path(rest)); found || rest.empty()) {
                        return Resolved{found ? *found : ***below};
                    }
                }
            }
        } else {
            auto found = lookup(*path, substitution);
            if (!found) {
                return core::unexpected(found.error());
            }
            if (!*found && prefix > 0) {  // a file included inside an object may also mean a path from the root
                found = lookup(written, substitution);
                if (!found) {
                    return core::unexpected(found.error());
                }
            }
            if (*found) {
                return Resolved{**found};
            }
        }

        std::string name;
        for (const std::string& element : written) {
            name += (name.empty() ? "" : ".") + element;
        }
        if (auto value = environment_ ? environment_(name) : std::nullopt; value && !value->empty()) {
            return Resolved{Value::string(std::move(*value), substitution.origin())};
        }
        if (substitution.optional()) {
            return Resolved{};
        }
        return core::unexpected(ParseError{substitution.origin(),
                                           "could not resolve substitution ${" + render_path(written) +
                                               "}: no such key in the configuration and no such environment variable",
                                           key});
    }

    const Value& root_;
    const EnvironmentLookup& environment_;
    std::map<Path, Resolved> done_;
    std::vector<Path> in_progress_;
    std::map<const Value*, Resolved> previous_done_;
};

}  // namespace
}  // namespace detail

core::Result<Value, ParseError> resolve(const Value& root, const EnvironmentLookup& environment) {
    return detail::Resolver(root, environment).run();
}

}  // namespace jicofo::config::hocon
