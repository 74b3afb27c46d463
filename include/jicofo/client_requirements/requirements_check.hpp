// The client-requirements rule, pure: which configured features a participant's client lacks, and what follows
// (nothing, a warning, or no media session). No I/O, so every case is a unit test.
#pragma once

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/stanza/client_requirements.hpp"
#include "jicofo/xmpp/member.hpp"

#include <string>
#include <vector>

namespace jicofo::client_requirements {

enum class Outcome {
    unchecked,       // disabled, or no requirement is active (all off, or none configured)
    exempt,          // Jibri, Jigasi or a transcriber: never checked
    not_discovered,  // its disco#info failed: never held against it
    satisfied,       // every active requirement is advertised
    warn,            // something is missing, and it gets its session all the same (soft only, or not enforced)
    reject,          // a hard requirement is missing and enforce is on: no media session
};

struct Check {
    Outcome outcome = Outcome::unchecked;
    // The active requirements the client does not advertise, in configuration order (pointers into the config).
    std::vector<const config::ClientRequirement*> missing;

    [[nodiscard]] bool withholds_session() const { return outcome == Outcome::reject; }
};

[[nodiscard]] Check check(const config::ClientRequirementsConfig& config, const xmpp::Member& member,
                          const conference::DiscoveredFeatures& features);

// Whether the client understands the client-requirements IQ (it advertises http://jitsi.org/client-requirements-1);
// other clients are told in chat messages.
[[nodiscard]] bool understands_iq(const std::vector<std::string>& features);

// The IQ for a warn or reject check: action, and one missing-feature (var, name, level, details, url) each.
[[nodiscard]] stanza::ClientRequirementsIq notice(const Check& check);

// The chat text about one missing requirement, for clients without the IQ (any client shows a private message).
[[nodiscard]] std::string chat_text(const config::ClientRequirement& requirement, Outcome outcome);

}  // namespace jicofo::client_requirements
