// XMPP addresses (RFC 7622): validated once at the edge, then compared and hashed as plain values.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace jicofo::stanza {

// local@domain/resource. The localpart and domain are case-folded (ASCII) as Prosody and Smack do, so that
// 'Room1@Conference.example.com' and 'room1@conference.example.com' are the same room; the resource keeps its case.
class Jid {
public:
    static constexpr std::size_t kMaxPartBytes = 1023;

    Jid() = default;

    // Validates and normalizes. Errors are jid-malformed with a reason.
    static ParseResult<Jid> parse(std::string_view text);
    // From already-separated parts (e.g. a room localpart and the MUC domain); same validation as parse.
    static ParseResult<Jid> from_parts(std::string_view local, std::string_view domain, std::string_view resource = {});

    [[nodiscard]] const std::string& local() const { return local_; }
    [[nodiscard]] const std::string& domain() const { return domain_; }
    [[nodiscard]] const std::string& resource() const { return resource_; }
    [[nodiscard]] bool is_bare() const { return resource_.empty(); }
    [[nodiscard]] bool is_domain() const { return local_.empty() && resource_.empty(); }
    [[nodiscard]] bool empty() const { return domain_.empty(); }

    [[nodiscard]] Jid bare() const;
    // The same bare JID with another resource (e.g. room@conference/nick). The resource must be valid.
    [[nodiscard]] ParseResult<Jid> with_resource(std::string_view resource) const;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Jid&, const Jid&) = default;
    // clang-tidy 14 misreads a defaulted <=> as a literal 0 compared with a pointer.
    // NOLINTNEXTLINE(modernize-use-nullptr)
    friend auto operator<=>(const Jid&, const Jid&) = default;

private:
    std::string local_;
    std::string domain_;
    std::string resource_;
};

}  // namespace jicofo::stanza

template <>
struct std::hash<jicofo::stanza::Jid> {
    std::size_t operator()(const jicofo::stanza::Jid& jid) const noexcept {
        return std::hash<std::string>{}(jid.to_string());
    }
};
