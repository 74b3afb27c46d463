// Incoming get/set IQs routed by (payload element, namespace, type) to their handler; pure, so the "no handler →
// service-unavailable" rule is tested without a server.
#pragma once

#include "jicofo/stanza/envelope.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace jicofo::xmpp {

struct IqRoute {
    std::string element;
    std::string ns;
    stanza::IqType type = stanza::IqType::set;  // get or set

    // clang-tidy 14 misreads a defaulted <=> as a literal 0 compared with a pointer.
    // NOLINTNEXTLINE(modernize-use-nullptr)
    friend auto operator<=>(const IqRoute&, const IqRoute&) = default;
};

template <typename Handler>
class IqRouter {
public:
    // Replaces an existing handler for the same route (the last registration wins); returns its id.
    std::uint64_t add(IqRoute route, Handler handler) {
        const auto id = ++last_id_;
        routes_[std::move(route)] = {id, std::move(handler)};
        return id;
    }
    // Removes the route only if it is still the registration `id` (a later one may have replaced it).
    void remove(const IqRoute& route, std::uint64_t id) {
        auto it = routes_.find(route);
        if (it != routes_.end() && it->second.first == id) {
            routes_.erase(it);
        }
    }
    // The handler for a get/set request, or nullptr.
    const Handler* find(const stanza::Iq& request) const {
        if (!request.payload ||
            (request.header.type != stanza::IqType::get && request.header.type != stanza::IqType::set)) {
            return nullptr;
        }
        auto it = routes_.find(IqRoute{request.payload->name(), request.payload->ns(), request.header.type});
        return it == routes_.end() ? nullptr : &it->second.second;
    }
    [[nodiscard]] std::size_t size() const { return routes_.size(); }

private:
    std::map<IqRoute, std::pair<std::uint64_t, Handler>> routes_;
    std::uint64_t last_id_ = 0;
};

// The reply to a request nobody handles: service-unavailable (RFC 6120 §8.4), never silence.
stanza::Iq unhandled_reply(const stanza::Iq& request);

}  // namespace jicofo::xmpp
