// XMPP addresses (RFC 7622): validated once at the edge, then compared and hashed as plain values.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
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

    [[nodiscard]] std::string_view local() const { return std::string_view(text_).substr(0, local_size_); }
    [[nodiscard]] std::string_view domain() const {
        return std::string_view(text_).substr(domain_start(), domain_size_);
    }
    [[nodiscard]] std::string_view resource() const {
        const auto end = domain_start() + domain_size_;
        return end < text_.size() ? std::string_view(text_).substr(end + 1) : std::string_view();
    }
    [[nodiscard]] bool is_bare() const { return resource().empty(); }
    [[nodiscard]] bool is_domain() const { return local_size_ == 0 && is_bare(); }
    [[nodiscard]] bool empty() const { return text_.empty(); }
    [[nodiscard]] Jid bare() const;
    // The same bare JID with another resource (e.g. room@conference/nick). The resource must be valid.
    [[nodiscard]] ParseResult<Jid> with_resource(std::string_view resource) const;
    // local@domain/resource, as kept: no allocation.
    [[nodiscard]] const std::string& str() const { return text_; }
    [[nodiscard]] std::string to_string() const { return text_; }

    // The normalized text determines the parts, so equality is that of the text.
    friend bool operator==(const Jid& a, const Jid& b) { return a.text_ == b.text_; }
    // Ordered by localpart, then domain, then resource (not by the text: '@' and '/' would interleave the parts).
    friend std::strong_ordering operator<=>(const Jid& a, const Jid& b);

private:
    [[nodiscard]] std::size_t domain_start() const { return local_size_ == 0 ? 0 : local_size_ + 1U; }

    // One string instead of three: a JID is in every member, stanza and room, and three strings cost 96 bytes
    // before any of them allocates. Each part is at most kMaxPartBytes, so 16-bit sizes hold them.
    std::string text_;
    std::uint16_t local_size_ = 0;
    std::uint16_t domain_size_ = 0;
};

}  // namespace jicofo::stanza

template <>
struct std::hash<jicofo::stanza::Jid> {
    std::size_t operator()(const jicofo::stanza::Jid& jid) const noexcept {
        return std::hash<std::string>{}(jid.str());
    }
};
