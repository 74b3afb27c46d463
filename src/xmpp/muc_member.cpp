// Member values from occupant presence: role mapping, Jitsi extensions, trusted features, mute state and codecs.
#include "jicofo/xmpp/member.hpp"

#include "jicofo/core/text.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace jicofo::xmpp {

namespace {

using stanza::XmlElement;

// Source names are "<endpoint>-a0" (audio) and "<endpoint>-v0" (video), as lib-jitsi-meet names them.
std::optional<char> source_kind(std::string_view name) {
    const auto dash = name.rfind('-');
    if (dash == std::string_view::npos || dash + 1 >= name.size()) {
        return std::nullopt;
    }
    return name[dash + 1];
}

// Muted unless one source of that kind says muted=false (a source without the flag counts as muted).
bool kind_muted(const std::map<std::string, stanza::SourceState>& sources, char kind) {
    return std::none_of(sources.begin(), sources.end(), [kind](const auto& entry) {
        return source_kind(entry.first) == kind && entry.second.muted.has_value() && !*entry.second.muted;
    });
}

// Parses one optional extension into `field`: absent → reset, malformed → keep the previous value and warn.
template <typename T, typename Apply>
void read_extension(const XmlElement* element, std::vector<std::string>& warnings, Apply apply) {
    if (element == nullptr) {
        apply(std::optional<T>());
        return;
    }
    auto parsed = T::parse(*element);
    if (!parsed) {
        warnings.push_back("<" + element->name() + "/>: " + parsed.error().message());
        return;
    }
    apply(std::optional<T>(std::move(parsed).value()));
}

void read_codecs(const stanza::Presence& presence, Member& member, std::vector<std::string>& warnings) {
    std::optional<std::vector<std::string>> codecs;
    if (const auto* list = presence.extension("jitsi_participant_codecList")) {
        if (auto parsed = stanza::CodecList::parse(*list)) {
            codecs = std::move(parsed->codecs);
        } else {
            warnings.push_back("<jitsi_participant_codecList/>: " + parsed.error().message());
            return;
        }
    } else if (const auto* type = presence.extension("jitsi_participant_codecType")) {
        if (auto parsed = stanza::CodecType::parse(*type)) {
            codecs = std::vector<std::string>{parsed->codec};
        } else {
            warnings.push_back("<jitsi_participant_codecType/>: " + parsed.error().message());
            return;
        }
    }
    if (!codecs) {
        member.video_codecs = std::nullopt;
        return;
    }
    if (std::find(codecs->begin(), codecs->end(), "vp8") == codecs->end()) {
        codecs->emplace_back("vp8");
    }
    member.video_codecs = std::move(*codecs);
}

void read_mute_state(const stanza::Presence& presence, Member& member, std::vector<std::string>& warnings) {
    if (const auto* info = presence.extension("SourceInfo")) {
        auto parsed = stanza::SourceInfo::parse(*info);
        auto sources =
            parsed ? parsed->sources()
                   : stanza::ParseResult<std::map<std::string, stanza::SourceState>>(core::unexpected(parsed.error()));
        if (!sources) {
            warnings.push_back("<SourceInfo/>: " + sources.error().message());
            return;
        }
        member.audio_muted = kind_muted(*sources, 'a');
        member.video_muted = kind_muted(*sources, 'v');
        return;
    }
    // The legacy elements, still sent by Jigasi.
    member.audio_muted = true;
    member.video_muted = true;
    read_extension<stanza::AudioMuted>(
        presence.extension("audiomuted"), warnings,
        [&](std::optional<stanza::AudioMuted> v) { member.audio_muted = !v || v->muted; });
    read_extension<stanza::VideoMuted>(
        presence.extension("videomuted"), warnings,
        [&](std::optional<stanza::VideoMuted> v) { member.video_muted = !v || v->muted; });
}

}  // namespace

bool domain_trusted(const std::optional<stanza::Jid>& real_jid, const std::vector<std::string>& domains) {
    if (!real_jid) {
        return false;
    }
    const std::string_view domain = real_jid->domain();
    return std::any_of(domains.begin(), domains.end(),
                       [&](const std::string& trusted) { return core::iequals_ascii(domain, trusted); });
}

std::string_view to_string(MemberRole role) {
    switch (role) {
        case MemberRole::owner: return "OWNER";
        case MemberRole::moderator: return "MODERATOR";
        case MemberRole::participant: return "PARTICIPANT";
        case MemberRole::visitor: return "VISITOR";
    }
    return "VISITOR";
}

MemberRole member_role_from(stanza::MucAffiliation affiliation, stanza::MucRole role) {
    if (affiliation == stanza::MucAffiliation::owner) {
        return MemberRole::owner;
    }
    if (affiliation == stanza::MucAffiliation::admin || role == stanza::MucRole::moderator) {
        return MemberRole::moderator;
    }
    if (role == stanza::MucRole::participant) {
        return MemberRole::participant;
    }
    return MemberRole::visitor;
}

bool has_moderator_rights(MemberRole role) {
    return role == MemberRole::owner || role == MemberRole::moderator;
}

void share_equal_values(Member& member, const Member& other) {
    if (member.caps && member.caps == other.caps) {
        member.caps = other.caps;
    }
    if (member.video_codecs && member.video_codecs == other.video_codecs) {
        member.video_codecs = other.video_codecs;
    }
}

stanza::ParseResult<MemberParse> member_from_presence(const stanza::Presence& presence,
                                                      const MemberParseOptions& options, const Member* previous) {
    if (!presence.from || presence.from->is_bare()) {
        return core::unexpected(stanza::StanzaError::bad_request("presence is not from an occupant JID"));
    }
    const auto* x = presence.extension("x", stanza::kNsMucUser);
    if (x == nullptr) {
        return core::unexpected(stanza::StanzaError::bad_request("no muc#user item"));
    }
    auto muc_user = stanza::MucUserPresence::parse(*x);
    if (!muc_user) {
        return core::unexpected(muc_user.error());
    }
    const auto* item = muc_user->item();
    if (item == nullptr) {
        return core::unexpected(stanza::StanzaError::bad_request("no muc#user item"));
    }

    MemberParse result;
    Member& m = result.member;
    if (previous != nullptr) {
        m = *previous;
    }
    auto& warnings = result.warnings;
    m.occupant_jid = *presence.from;
    m.nick = presence.from->resource();
    m.real_jid = item->jid;
    m.affiliation = item->affiliation.value_or(stanza::MucAffiliation::none);
    m.muc_role = item->role.value_or(stanza::MucRole::none);
    m.role = member_role_from(m.affiliation, m.muc_role);
    m.status = presence.status;
    m.presence = options.keep_presence ? core::SharedOptional<stanza::Presence>(presence) : std::nullopt;

    read_extension<stanza::StatsId>(presence.extension("stats-id"), warnings, [&](std::optional<stanza::StatsId> v) {
        m.stats_id = v ? std::optional<std::string>(v->value) : std::nullopt;
    });
    read_extension<stanza::Region>(
        presence.extension("jitsi_participant_region"), warnings,
        [&](std::optional<stanza::Region> v) { m.region = v ? std::optional<std::string>(v->value) : std::nullopt; });
    read_extension<stanza::Diarize>(presence.extension("jitsi_participant_diarize"), warnings,
                                    [&](std::optional<stanza::Diarize> v) { m.diarize = v && v->value; });
    read_extension<stanza::Nick>(presence.extension("nick", stanza::kNsNick), warnings,
                                 [&](std::optional<stanza::Nick> v) {
                                     m.display_name = v ? std::optional<std::string>(v->value) : std::nullopt;
                                 });
    read_extension<stanza::UserIdentity>(presence.extension("identity"), warnings,
                                         [&](std::optional<stanza::UserIdentity> v) { m.identity = std::move(v); });
    read_extension<stanza::EntityCaps>(presence.extension("c", stanza::kNsCaps), warnings,
                                       [&](std::optional<stanza::EntityCaps> v) { m.caps = std::move(v); });
    read_extension<stanza::Features>(presence.extension("features"), warnings, [&](std::optional<stanza::Features> v) {
        m.features = v ? v->vars : std::vector<std::string>{};
    });
    const bool trust = domain_trusted(m.real_jid, options.trusted_domains);
    auto has_feature = [&](std::string_view var) {
        return std::find(m.features.begin(), m.features.end(), var) != m.features.end();
    };
    m.is_jibri = trust && has_feature(stanza::kFeatureJibri);
    m.is_jigasi = trust && has_feature(stanza::kFeatureJigasi);
    m.is_transcriber = trust && has_feature(stanza::kFeatureTranscriber);
    if (!trust && (has_feature(stanza::kFeatureJibri) || has_feature(stanza::kFeatureJigasi))) {
        warnings.emplace_back(
            "Jibri/Jigasi features from an untrusted domain ignored; add the domain to "
            "trusted-domains if it is ours");
    }

    read_mute_state(presence, m, warnings);
    read_codecs(presence, m, warnings);
    return result;
}

}  // namespace jicofo::xmpp
