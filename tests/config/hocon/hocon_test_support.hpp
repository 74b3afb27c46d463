// Helpers for the HOCON reader tests: parsing inline text, a fake environment, reading values back.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/hocon.hpp"

namespace jicofo::config::hocon::testing {

// An environment holding exactly the given variables.
inline EnvironmentLookup fake_environment(std::map<std::string, std::string> variables = {}) {
    return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end()) {
            return std::nullopt;
        }
        return found->second;
    };
}

// Parses text that must be valid; a failure is reported with its description.
inline Value parse_ok(std::string_view text, const std::string& name = "<test>") {
    auto parsed = parse_string(text, name);
    if (!parsed) {
        ADD_FAILURE() << "parse failed: " << parsed.error().describe();
        return Value();
    }
    return std::move(*parsed);
}

// Parses and resolves text that must be valid.
inline Value resolve_ok(const Value& tree, const EnvironmentLookup& environment = fake_environment()) {
    auto resolved = resolve(tree, environment);
    if (!resolved) {
        ADD_FAILURE() << "resolve failed: " << resolved.error().describe();
        return Value();
    }
    return std::move(*resolved);
}

inline Value parse_and_resolve(std::string_view text, const EnvironmentLookup& environment = fake_environment()) {
    return resolve_ok(parse_ok(text), environment);
}

// The error of text that must fail to parse (or, with resolve_too, to resolve).
inline ParseError error_of(std::string_view text, bool resolve_too = false, const std::string& name = "<test>") {
    auto parsed = parse_string(text, name);
    if (!parsed) {
        return parsed.error();
    }
    if (resolve_too) {
        auto resolved = resolve(*parsed, fake_environment());
        if (!resolved) {
            return resolved.error();
        }
    }
    ADD_FAILURE() << "expected an error for: " << text;
    return ParseError{};
}

// The text of the scalar at `path`, or "<missing>" / "<not a scalar>".
inline std::string text_at(const Value& root, std::string_view path) {
    const Value* value = root.find(path);
    if (value == nullptr) {
        return "<missing>";
    }
    if (!value->is_scalar()) {
        return "<not a scalar>";
    }
    return value->text();
}

// The texts of the scalar items of the array at `path`.
inline std::vector<std::string> texts_at(const Value& root, std::string_view path) {
    std::vector<std::string> out;
    const Value* value = root.find(path);
    if (value == nullptr || !value->is_array()) {
        out.emplace_back(value == nullptr ? "<missing>" : "<not an array>");
        return out;
    }
    for (const Value& item : value->items()) {
        out.push_back(item.is_scalar() ? item.text() : "<not a scalar>");
    }
    return out;
}

// A scratch directory removed at the end of the test.
class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("hocon-test-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::filesystem::path write(const std::string& name, std::string_view text) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace jicofo::config::hocon::testing
