// A value or an error, for expected failures (C++23's std::expected is not in GCC 12).
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace jicofo::core {

template <typename E>
struct Unexpected {
    E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

// Result<T, E> holds either a T or an E. Accessing the wrong alternative is a bug (asserted).
template <typename T, typename E>
class Result {
public:
    Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    template <typename U>
    Result(Unexpected<U> failure)  // NOLINT(google-explicit-constructor)
        : storage_(std::in_place_index<1>, E(std::move(failure.error))) {}

    [[nodiscard]] bool has_value() const { return storage_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(storage_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(storage_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(storage_));
    }
    const E& error() const {
        assert(!has_value());
        return std::get<1>(storage_);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, E> storage_;
};

}  // namespace jicofo::core
