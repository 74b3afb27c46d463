// Parsing and serialization of the Jitsi Meet presence extensions (SourceInfo's JSON is in source_info.cpp).
#include "jicofo/stanza/jitsi_presence.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <algorithm>

namespace jicofo::stanza {

using detail::bad;

namespace {

// Text of <name/> in any namespace (empty ns) or in exactly ns.
ParseResult<std::string> element_text(const XmlElement& element, std::string_view name, std::string_view ns = {}) {
    if (auto problem = detail::expect_element(element, name, ns)) {
        return core::unexpected(*problem);
    }
    return element.text();
}

XmlElement text_element(std::string name, std::string_view ns, const std::string& text) {
    XmlElement e(std::move(name), std::string(ns));
    if (!text.empty()) {
        e.add_text(text);
    }
    return e;
}

// The boolean text of <name/> (mute flags, diarize).
ParseResult<bool> boolean_text(const XmlElement& element, std::string_view name) {
    auto text = element_text(element, name);
    if (!text) {
        return core::unexpected(text.error());
    }
    const auto value = detail::parse_bool(*text);
    if (!value) {
        return core::unexpected(bad("<" + std::string(name) + "/> is not a boolean: '" + *text + "'"));
    }
    return *value;
}

std::string trim(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) {
        return {};
    }
    const auto end = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(begin, end - begin + 1));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return s;
}

}  // namespace

ParseResult<StatsId> StatsId::parse(const XmlElement& element) {
    auto text = element_text(element, "stats-id");
    if (!text) {
        return core::unexpected(text.error());
    }
    return StatsId{std::move(text).value()};
}

XmlElement StatsId::to_xml() const {
    return text_element("stats-id", {}, value);
}

ParseResult<Region> Region::parse(const XmlElement& element) {
    auto text = element_text(element, "jitsi_participant_region");
    if (!text) {
        return core::unexpected(text.error());
    }
    return Region{std::move(text).value()};
}

XmlElement Region::to_xml() const {
    return text_element("jitsi_participant_region", {}, value);
}

ParseResult<Diarize> Diarize::parse(const XmlElement& element) {
    auto value = boolean_text(element, "jitsi_participant_diarize");
    if (!value) {
        return core::unexpected(value.error());
    }
    return Diarize{*value};
}

XmlElement Diarize::to_xml() const {
    return text_element("jitsi_participant_diarize", {}, detail::bool_text(value));
}

ParseResult<Features> Features::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "features", {})) {
        return core::unexpected(*problem);
    }
    Features features;
    for (const XmlElement* f : element.children("feature")) {
        if (const auto var = f->attribute("var"); var && !var->empty()) {
            features.vars.emplace_back(*var);
        }
    }
    return features;
}

XmlElement Features::to_xml() const {
    XmlElement e("features");
    for (const auto& var : vars) {
        e.add_child(XmlElement("feature")).set_attribute("var", var);
    }
    return e;
}

bool Features::has(std::string_view var) const {
    return std::find(vars.begin(), vars.end(), var) != vars.end();
}

ParseResult<AudioMuted> AudioMuted::parse(const XmlElement& element) {
    auto muted = boolean_text(element, "audiomuted");
    if (!muted) {
        return core::unexpected(muted.error());
    }
    return AudioMuted{*muted};
}

XmlElement AudioMuted::to_xml() const {
    return text_element("audiomuted", {}, detail::bool_text(muted));
}

ParseResult<VideoMuted> VideoMuted::parse(const XmlElement& element) {
    auto muted = boolean_text(element, "videomuted");
    if (!muted) {
        return core::unexpected(muted.error());
    }
    return VideoMuted{*muted};
}

XmlElement VideoMuted::to_xml() const {
    return text_element("videomuted", {}, detail::bool_text(muted));
}

ParseResult<SourceInfo> SourceInfo::parse(const XmlElement& element) {
    auto text = element_text(element, "SourceInfo");
    if (!text) {
        return core::unexpected(text.error());
    }
    return SourceInfo{std::move(text).value()};
}

XmlElement SourceInfo::to_xml() const {
    return text_element("SourceInfo", {}, json);
}

ParseResult<Nick> Nick::parse(const XmlElement& element) {
    auto text = element_text(element, "nick", kNsNick);
    if (!text) {
        return core::unexpected(text.error());
    }
    return Nick{std::move(text).value()};
}

XmlElement Nick::to_xml() const {
    return text_element("nick", kNsNick, value);
}

ParseResult<CodecList> CodecList::parse(const XmlElement& element) {
    auto text = element_text(element, "jitsi_participant_codecList");
    if (!text) {
        return core::unexpected(text.error());
    }
    CodecList list;
    std::string_view rest = *text;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string codec = lower(trim(rest.substr(0, comma)));
        if (!codec.empty()) {
            list.codecs.push_back(std::move(codec));
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return list;
}

XmlElement CodecList::to_xml() const {
    std::string text;
    for (const auto& codec : codecs) {
        if (!text.empty()) {
            text += ',';
        }
        text += codec;
    }
    return text_element("jitsi_participant_codecList", {}, text);
}

ParseResult<CodecType> CodecType::parse(const XmlElement& element) {
    auto text = element_text(element, "jitsi_participant_codecType");
    if (!text) {
        return core::unexpected(text.error());
    }
    return CodecType{lower(trim(*text))};
}

XmlElement CodecType::to_xml() const {
    return text_element("jitsi_participant_codecType", {}, codec);
}

ParseResult<Etherpad> Etherpad::parse(const XmlElement& element) {
    auto text = element_text(element, "etherpad", kNsJitmeetEtherpad);
    if (!text) {
        return core::unexpected(text.error());
    }
    return Etherpad{std::move(text).value()};
}

XmlElement Etherpad::to_xml() const {
    return text_element("etherpad", kNsJitmeetEtherpad, name);
}

ParseResult<Versions> Versions::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "versions", kNsJitmeet)) {
        return core::unexpected(*problem);
    }
    Versions versions;
    for (const XmlElement* c : element.children("component", kNsJitmeet)) {
        if (const auto name = c->attribute("name"); name && !name->empty()) {
            versions.components.push_back({std::string(*name), c->text()});
        }
    }
    return versions;
}

XmlElement Versions::to_xml() const {
    XmlElement e("versions", std::string(kNsJitmeet));
    for (const auto& c : components) {
        XmlElement& component = e.add_child(XmlElement("component"));
        component.set_attribute("name", c.name);
        if (!c.version.empty()) {
            component.add_text(c.version);
        }
    }
    return e;
}

std::optional<std::string_view> Versions::version(std::string_view component) const {
    for (const auto& c : components) {
        if (c.name == component) {
            return std::string_view(c.version);
        }
    }
    return std::nullopt;
}

ParseResult<UserIdentity> UserIdentity::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "identity", {})) {
        return core::unexpected(*problem);
    }
    UserIdentity identity;
    if (const XmlElement* user = element.child("user")) {
        identity.user_id = user->child_text("id");
        identity.user_name = user->child_text("name");
        identity.avatar_url = user->child_text("avatar");
    }
    identity.group = element.child_text("group");
    return identity;
}

XmlElement UserIdentity::to_xml() const {
    XmlElement e("identity");
    XmlElement& user = e.add_child(XmlElement("user"));
    if (user_id) {
        user.add_text_child("id", *user_id);
    }
    if (user_name) {
        user.add_text_child("name", *user_name);
    }
    if (avatar_url) {
        user.add_text_child("avatar", *avatar_url);
    }
    if (group) {
        e.add_text_child("group", *group);
    }
    return e;
}

}  // namespace jicofo::stanza
