// JID validation: RFC 7622 structure and lengths, with an ASCII subset of its preparation profiles.
#include "jicofo/stanza/jid.hpp"

#include "jicofo/stanza/xml_codec.hpp"

#include <algorithm>

namespace jicofo::stanza {
namespace {

StanzaError malformed(std::string_view text, const std::string& why) {
    return StanzaError::make(ErrorCondition::jid_malformed,
                             "invalid JID '" + std::string(text.substr(0, 64)) + "': " + why);
}

bool is_valid_utf8_xml(std::string_view s) {
    return sanitize_xml_text(s) == s;
}

bool has_control_or_space(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    });
}

void ascii_lower(std::string::iterator begin, std::string::iterator end) {
    std::transform(begin, end, begin,
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
}

std::optional<std::string> check_local(std::string_view local) {
    if (local.size() > Jid::kMaxPartBytes) {
        return "localpart longer than 1023 bytes";
    }
    // RFC 7622 §3.3.1: these are disallowed in a localpart.
    constexpr std::string_view kForbidden = "\"&'/:<>@";
    if (local.find_first_of(kForbidden) != std::string_view::npos || has_control_or_space(local)) {
        return "forbidden character in localpart";
    }
    if (!is_valid_utf8_xml(local)) {
        return "localpart is not valid UTF-8";
    }
    return std::nullopt;
}

std::optional<std::string> check_domain(std::string_view domain) {
    if (domain.empty()) {
        return "empty domain";
    }
    if (domain.size() > Jid::kMaxPartBytes) {
        return "domain longer than 1023 bytes";
    }
    if (domain.front() == '[') {  // IPv6 literal
        if (domain.back() != ']' || domain.find_first_not_of("0123456789abcdefABCDEF:.", 1) != domain.size() - 1) {
            return "malformed IP literal";
        }
        return std::nullopt;
    }
    constexpr std::string_view kForbidden = "\"&'/:<>@[]\\";
    if (domain.find_first_of(kForbidden) != std::string_view::npos || has_control_or_space(domain)) {
        return "forbidden character in domain";
    }
    if (domain.front() == '.' || domain.find("..") != std::string_view::npos) {
        return "empty label in domain";
    }
    if (!is_valid_utf8_xml(domain)) {
        return "domain is not valid UTF-8";
    }
    return std::nullopt;
}

std::optional<std::string> check_resource(std::string_view resource) {
    if (resource.size() > Jid::kMaxPartBytes) {
        return "resource longer than 1023 bytes";
    }
    // Spaces are allowed in a resource (nicknames); control characters are not.
    if (std::any_of(resource.begin(), resource.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7F;
        })) {
        return "control character in resource";
    }
    if (!is_valid_utf8_xml(resource)) {
        return "resource is not valid UTF-8";
    }
    return std::nullopt;
}

}  // namespace

ParseResult<Jid> Jid::parse(std::string_view text) {
    if (text.empty()) {
        return core::unexpected(malformed(text, "empty"));
    }
    if (text.size() > 3 * kMaxPartBytes + 2) {
        return core::unexpected(malformed(text, "too long"));
    }
    // RFC 7622 §3.2: the resource starts at the first '/', the localpart ends at the first '@' before it.
    std::string_view rest = text;
    std::string_view resource;
    bool has_resource = false;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        resource = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        has_resource = true;
    }
    std::string_view local;
    bool has_local = false;
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        local = rest.substr(0, at);
        rest = rest.substr(at + 1);
        has_local = true;
    }
    if (has_local && local.empty()) {
        return core::unexpected(malformed(text, "empty localpart"));
    }
    if (has_resource && resource.empty()) {
        return core::unexpected(malformed(text, "empty resource"));
    }
    return from_parts(local, rest, resource);
}

ParseResult<Jid> Jid::from_parts(std::string_view local, std::string_view domain, std::string_view resource) {
    // A fully qualified domain name may end with a dot; the JID form drops it (RFC 7622 §3.2).
    if (domain.size() > 1 && domain.back() == '.') {
        domain.remove_suffix(1);
    }
    for (auto problem : {check_local(local), check_domain(domain), check_resource(resource)}) {
        if (problem) {
            std::string whole(local);
            whole += (local.empty() ? "" : "@") + std::string(domain) + (resource.empty() ? "" : "/") +
                     std::string(resource);
            return core::unexpected(malformed(whole, *problem));
        }
    }
    Jid jid;
    jid.text_.reserve(local.size() + domain.size() + resource.size() + 2);
    if (!local.empty()) {
        jid.text_ += local;
        jid.text_ += '@';
    }
    jid.text_ += domain;
    // The localpart and domain are case-folded in place; the resource keeps its case.
    ascii_lower(jid.text_.begin(), jid.text_.end());
    if (!resource.empty()) {
        jid.text_ += '/';
        jid.text_ += resource;
    }
    jid.local_size_ = static_cast<std::uint16_t>(local.size());
    jid.domain_size_ = static_cast<std::uint16_t>(domain.size());
    return jid;
}

Jid Jid::bare() const {
    Jid jid = *this;
    jid.text_.resize(domain_start() + domain_size_);
    return jid;
}

ParseResult<Jid> Jid::with_resource(std::string_view resource) const {
    if (resource.empty()) {
        return bare();
    }
    return from_parts(local(), domain(), resource);
}

std::strong_ordering operator<=>(const Jid& a, const Jid& b) {
    if (auto order = a.local().compare(b.local()); order != 0) {
        return order <=> 0;
    }
    if (auto order = a.domain().compare(b.domain()); order != 0) {
        return order <=> 0;
    }
    return a.resource().compare(b.resource()) <=> 0;
}

}  // namespace jicofo::stanza
