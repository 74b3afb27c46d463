// Jitsi Meet presence extensions: what participants put in their MUC presence and what the focus publishes.
// Extensions without their own namespace (stats-id, SourceInfo, ...) are in the stream's namespace, jabber:client:
// their parsers accept any namespace and their to_xml leaves it empty so that it is inherited.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// <stats-id>Makayla-XEx</stats-id>
struct StatsId {
    std::string value;
    static ParseResult<StatsId> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const StatsId&, const StatsId&) = default;
};

// <jitsi_participant_region>us-east-1</jitsi_participant_region>
struct Region {
    std::string value;
    static ParseResult<Region> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Region&, const Region&) = default;
};

// <jitsi_participant_diarize>true</jitsi_participant_diarize>: the participant asks the transcriber to tell its
// speech apart from others' (the bridge gets a per-endpoint diarize flag).
struct Diarize {
    bool value = false;
    static ParseResult<Diarize> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Diarize&, const Diarize&) = default;
};

// <features><feature var='http://jitsi.org/protocol/jibri'/></features>. Only trusted for trusted domains.
struct Features {
    std::vector<std::string> vars;
    static ParseResult<Features> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] bool has(std::string_view var) const;
    friend bool operator==(const Features&, const Features&) = default;
};

// Legacy mute state: <audiomuted>true</audiomuted>. jitsi-xmpp-extensions puts it in jabber:client; very old
// clients used xmlns='http://jitsi.org/jitmeet/audio'. Both are accepted.
struct AudioMuted {
    bool muted = false;
    static ParseResult<AudioMuted> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const AudioMuted&, const AudioMuted&) = default;
};

// <videomuted>true</videomuted>, as AudioMuted.
struct VideoMuted {
    bool muted = false;
    static ParseResult<VideoMuted> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const VideoMuted&, const VideoMuted&) = default;
};

// One source's entry in SourceInfo.
struct SourceState {
    std::optional<bool> muted;
    std::optional<std::string> video_type;  // camera, desktop
    friend bool operator==(const SourceState&, const SourceState&) = default;
};

// <SourceInfo>{"2b016c41-a0":{"muted":false},"2b016c41-v0":{"muted":true,"videoType":"camera"}}</SourceInfo>.
// The JSON is kept as received; sources() reads it without a JSON library (domain code stays free of one).
struct SourceInfo {
    std::string json;
    static ParseResult<SourceInfo> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    // Unknown keys and values of other shapes are skipped; JSON that is not an object is an error.
    [[nodiscard]] ParseResult<std::map<std::string, SourceState>> sources() const;
    friend bool operator==(const SourceInfo&, const SourceInfo&) = default;
};

// <nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>
struct Nick {
    std::string value;
    static ParseResult<Nick> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Nick&, const Nick&) = default;
};

// <jitsi_participant_codecList>av1,vp9,vp8,h264</jitsi_participant_codecList>, lowercased, in preference order.
struct CodecList {
    std::vector<std::string> codecs;
    static ParseResult<CodecList> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const CodecList&, const CodecList&) = default;
};

// Legacy single preferred codec: <jitsi_participant_codecType>vp9</jitsi_participant_codecType>.
struct CodecType {
    std::string codec;
    static ParseResult<CodecType> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const CodecType&, const CodecType&) = default;
};

// <etherpad xmlns='http://jitsi.org/jitmeet/etherpad'>name</etherpad>, published by the focus.
struct Etherpad {
    std::string name;
    static ParseResult<Etherpad> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Etherpad&, const Etherpad&) = default;
};

// <versions xmlns='http://jitsi.org/jitmeet'><component name='focus'>1.0.1</component></versions>.
struct Versions {
    struct Component {
        std::string name;
        std::string version;
        friend bool operator==(const Component&, const Component&) = default;
    };
    std::vector<Component> components;
    static ParseResult<Versions> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] std::optional<std::string_view> version(std::string_view component) const;
    friend bool operator==(const Versions&, const Versions&) = default;
};

// <identity><user><id/><name/><avatar/></user><group/></identity>, added by token-authenticating deployments.
struct UserIdentity {
    std::optional<std::string> user_id;
    std::optional<std::string> user_name;
    std::optional<std::string> avatar_url;
    std::optional<std::string> group;
    static ParseResult<UserIdentity> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const UserIdentity&, const UserIdentity&) = default;
};

}  // namespace jicofo::stanza
