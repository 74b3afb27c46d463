// Stringprep of JID parts with libidn's XMPP profiles. Pure computation: no I/O, no global state.
#include "jicofo/stanza/jid_prep.hpp"

#include <stringprep.h>

#include <array>
#include <cstring>

namespace jicofo::stanza {
namespace {

// Prosody copies the part into a 1024-byte buffer and refuses anything that does not fit; so do we.
constexpr std::size_t kBufferBytes = 1024;

std::optional<std::string> run_profile(std::string_view in, const Stringprep_profile* profile) {
    if (in.empty() || in.size() >= kBufferBytes || in.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    std::array<char, kBufferBytes> buffer{};
    std::memcpy(buffer.data(), in.data(), in.size());
    // Flags 0: unassigned code points are allowed, as in Prosody's non-strict jid.prep.
    if (stringprep(buffer.data(), buffer.size(), static_cast<Stringprep_profile_flags>(0), profile) != STRINGPREP_OK) {
        return std::nullopt;
    }
    std::string out(buffer.data());
    if (out.empty()) {
        return std::nullopt;  // everything was mapped away (e.g. only soft hyphens)
    }
    return out;
}

ParseResult<Jid> malformed(std::string text) {
    return core::unexpected(StanzaError::make(ErrorCondition::jid_malformed, std::move(text)));
}

}  // namespace

std::optional<std::string> nodeprep(std::string_view localpart) {
    return run_profile(localpart, stringprep_xmpp_nodeprep);
}

std::optional<std::string> nameprep(std::string_view domain) {
    return run_profile(domain, stringprep_nameprep);
}

std::optional<std::string> resourceprep(std::string_view resource) {
    return run_profile(resource, stringprep_xmpp_resourceprep);
}

ParseResult<Jid> prep(const Jid& jid) {
    std::string_view domain = jid.domain();
    if (domain.size() > 1 && domain.back() == '.') {
        domain.remove_suffix(1);  // the empty root label, which Prosody strips
    }
    auto host = nameprep(domain);
    if (!host) {
        return malformed("domain refused by nameprep");
    }
    std::string local;
    if (!jid.local().empty()) {
        auto prepped = nodeprep(jid.local());
        if (!prepped) {
            return malformed("localpart refused by nodeprep");
        }
        local = std::move(*prepped);
    }
    std::string resource;
    if (!jid.resource().empty()) {
        auto prepped = resourceprep(jid.resource());
        if (!prepped) {
            return malformed("resource refused by resourceprep");
        }
        resource = std::move(*prepped);
    }
    return Jid::from_parts(local, *host, resource);
}

}  // namespace jicofo::stanza
