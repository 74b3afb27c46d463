// An immutable value shared by every copy, or nothing: for fields that are large, often absent, and copied with the
// structure that holds them (a MUC member is copied into each update and shared by three layers).
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace jicofo::core {

// Reads like a const std::optional<T> (bool test, * and ->) but costs one shared pointer inline, and copying it
// shares the value instead of copying it. Equality is that of the values, so a structure holding one can still be
// compared field by field to tell whether anything changed.
template <class T>
class SharedOptional {
public:
    // Implicit, as std::optional's: a field can be assigned a value, an optional or std::nullopt.
    SharedOptional() = default;
    SharedOptional(std::nullopt_t) {}
    SharedOptional(T value) : value_(std::make_shared<const T>(std::move(value))) {}
    SharedOptional(std::optional<T> value) {
        if (value) {
            value_ = std::make_shared<const T>(std::move(*value));
        }
    }

    [[nodiscard]] bool has_value() const { return value_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    // Like std::optional, dereferencing an empty one is the caller's error; test it first.
    const T& operator*() const { return *value_; }
    const T* operator->() const { return value_.get(); }

    friend bool operator==(const SharedOptional& a, const SharedOptional& b) {
        if (a.value_ == b.value_) {
            return true;
        }
        return a.value_ && b.value_ && *a.value_ == *b.value_;
    }
    friend bool operator==(const SharedOptional& a, std::nullopt_t) { return !a.has_value(); }
    friend bool operator==(const SharedOptional& a, const T& b) { return a.value_ && *a.value_ == b; }

private:
    std::shared_ptr<const T> value_;
};

}  // namespace jicofo::core
