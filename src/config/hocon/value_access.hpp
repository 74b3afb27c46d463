// Internal access to the bookkeeping a Value carries only while unresolved (what it overrode, include prefixes).
#pragma once

#include <memory>
#include <utility>

#include "jicofo/config/hocon.hpp"

namespace jicofo::config::hocon::detail {

struct ValueAccess {
    static const Value* previous(const Value& value) { return value.previous_.get(); }
    static const std::shared_ptr<const Value>& shared_previous(const Value& value) { return value.previous_; }
    static void set_previous(Value& value, std::shared_ptr<const Value> previous) {
        value.previous_ = std::move(previous);
    }
    static int include_prefix(const Value& value) { return value.include_prefix_; }
    static void set_include_prefix(Value& value, int prefix) { value.include_prefix_ = prefix; }
};

}  // namespace jicofo::config::hocon::detail
