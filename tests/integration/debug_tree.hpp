// The comparison of the debug golden tests: our JSON against the reference's key trees
// (tests/data/jicofo_reference_debug.json; its "comment" says the conventions).
#pragma once

#include "integration/json_tree.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace jicofo::testing::debug_golden {

inline bool is_placeholder(const std::string& key) {
    return key.size() > 2 && key.front() == '<' && key.back() == '>';
}

// Compares our output with the reference's description (see the data file's "comment" for the conventions) and
// collects, one line each with its key path, what is missing or of another type, and our keys the reference's tree
// does not have (`extras`, as "parent/key" with placeholders for dynamic keys).
class TreeComparison {
public:
    explicit TreeComparison(const nlohmann::json& reference) : definitions_(reference["definitions"]) {}

    void compare(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                 const std::string& shape) {
        const auto description = resolve(expected);
        if (description.is_string()) {
            if (!type_allowed(description.get<std::string>(), json_type(actual))) {
                problems.push_back(path + ": expected " + description.get<std::string>() + ", got " +
                                   json_type(actual));
            }
            return;
        }
        if (description.is_array()) {
            if (!actual.is_array()) {
                problems.push_back(path + ": expected an array, got " + json_type(actual));
                return;
            }
            for (std::size_t i = 0; i < actual.size(); ++i) {
                compare(description[0], actual[i], path + "/" + std::to_string(i), shape + "/[]");
            }
            return;
        }
        if (actual.is_null() && description.value("$or_null", false)) {
            return;
        }
        if (!actual.is_object()) {
            problems.push_back(path + ": expected an object, got " + json_type(actual));
            return;
        }
        std::string placeholder;
        std::set<std::string> fixed;
        // Our keys in an object Jicofo mixes with dynamic ones (a detector's instances): not instances, extras.
        std::set<std::string> ours;
        for (const auto& key : description.value("$ours", nlohmann::json::array())) {
            ours.insert(key.get<std::string>());
        }
        for (const auto& [key, value] : description.items()) {
            if (key.starts_with('$')) {
                continue;
            }
            if (is_placeholder(key)) {
                placeholder = key;
                continue;
            }
            const bool optional = key.starts_with('?');
            const std::string name = optional ? key.substr(1) : key;
            fixed.insert(name);
            if (actual.contains(name)) {
                compare(value, actual[name], path + "/" + name, shape + "/" + name);
            } else if (!optional) {
                problems.push_back(path + "/" + name + ": missing");
            }
        }
        for (const auto& [key, value] : actual.items()) {
            if (fixed.count(key) == 1) {
                continue;
            }
            if (placeholder.empty() || ours.count(key) == 1) {
                extras.insert(shape + "/" + key);
            } else {
                compare(description[placeholder], value, path + "/" + key, shape + "/" + placeholder);
            }
        }
    }

    std::vector<std::string> problems;
    std::set<std::string> extras;

private:
    // "@name" and "$extends" resolved to a plain description.
    nlohmann::json resolve(const nlohmann::json& description) const {
        if (description.is_string() && description.get<std::string>().starts_with('@')) {
            return resolve(definitions_.at(description.get<std::string>().substr(1)));
        }
        if (!description.is_object() || !description.contains("$extends")) {
            return description;
        }
        auto merged = resolve(description["$extends"]);
        for (const auto& [key, value] : description.items()) {
            if (key != "$extends") {
                merged[key] = value;
            }
        }
        return merged;
    }

    const nlohmann::json& definitions_;
};

// What `comparison` found, one line each, with the extras not described (by their key name) in `docs`.
inline std::string problems_of(const TreeComparison& comparison, const std::string& docs) {
    std::string all;
    for (const auto& problem : comparison.problems) {
        all += problem + "\n";
    }
    for (const auto& extra : comparison.extras) {
        const auto name = extra.substr(extra.rfind('/') + 1);
        if (docs.find("`" + name + "`") == std::string::npos) {
            all += extra + ": not in Jicofo's tree and not described in docs/rest-api.md\n";
        }
    }
    return all;
}

}  // namespace jicofo::testing::debug_golden
