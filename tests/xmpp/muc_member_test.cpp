// Members from occupant presence, the role mapping, room info from the room's forms: pure functions, no server.
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/xmpp/member.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <gtest/gtest.h>

using namespace jicofo::xmpp;
using jicofo::stanza::DataForm;
using jicofo::stanza::Jid;
using jicofo::stanza::MucAffiliation;
using jicofo::stanza::MucRole;
using jicofo::stanza::Presence;
using jicofo::stanza::XmlElement;

namespace {

XmlElement text(std::string name, std::string value, std::string ns = {}) {
    XmlElement e(std::move(name), std::move(ns));
    e.add_text(std::move(value));
    return e;
}

XmlElement muc_user(std::string affiliation, std::string role, const std::optional<std::string>& jid) {
    XmlElement x("x", std::string(jicofo::stanza::kNsMucUser));
    XmlElement item("item");
    item.set_attribute("affiliation", std::move(affiliation));
    item.set_attribute("role", std::move(role));
    item.set_attribute_if("jid", jid);
    x.add_child(std::move(item));
    return x;
}

XmlElement features(std::initializer_list<std::string_view> vars) {
    XmlElement f("features");
    for (auto var : vars) {
        XmlElement feature("feature");
        feature.set_attribute("var", std::string(var));
        f.add_child(std::move(feature));
    }
    return f;
}

Presence occupant(const std::string& nick, std::vector<XmlElement> extensions) {
    Presence p;
    p.from = Jid::parse("room1@conference.meet.test/" + nick).value();
    p.extensions = std::move(extensions);
    return p;
}

}  // namespace

TEST(MemberRoleTest, MapsAffiliationAndRoleAsJicofo) {
    EXPECT_EQ(member_role_from(MucAffiliation::owner, MucRole::participant), MemberRole::owner);
    EXPECT_EQ(member_role_from(MucAffiliation::admin, MucRole::participant), MemberRole::moderator);
    EXPECT_EQ(member_role_from(MucAffiliation::none, MucRole::moderator), MemberRole::moderator);
    EXPECT_EQ(member_role_from(MucAffiliation::member, MucRole::participant), MemberRole::participant);
    EXPECT_EQ(member_role_from(MucAffiliation::none, MucRole::visitor), MemberRole::visitor);
    EXPECT_EQ(member_role_from(MucAffiliation::none, MucRole::none), MemberRole::visitor);
    EXPECT_TRUE(has_moderator_rights(MemberRole::owner));
    EXPECT_FALSE(has_moderator_rights(MemberRole::participant));
}

TEST(MemberParseTest, ReadsTheJitsiExtensionsOfAClient) {
    auto p =
        occupant("2b016c41", {muc_user("none", "participant", "abc@meet.test/x"), text("stats-id", "Makayla-XEx"),
                              text("jitsi_participant_region", "eu-west"),
                              text("nick", "Alice", std::string(jicofo::stanza::kNsNick)),
                              text("SourceInfo", R"({"2b016c41-a0":{"muted":false},"2b016c41-v0":{"muted":true}})"),
                              text("jitsi_participant_codecList", "av1,vp9,h264")});
    p.status = "switch_room";
    auto parsed = member_from_presence(p, {});
    ASSERT_TRUE(parsed) << parsed.error().message();
    const Member& m = parsed->member;
    EXPECT_TRUE(parsed->warnings.empty());
    EXPECT_EQ(m.nick, "2b016c41");
    EXPECT_EQ(m.real_jid->to_string(), "abc@meet.test/x");
    EXPECT_EQ(m.role, MemberRole::participant);
    EXPECT_EQ(m.stats_id, "Makayla-XEx");
    EXPECT_EQ(m.region, "eu-west");
    EXPECT_EQ(m.display_name, "Alice");
    EXPECT_EQ(m.status, "switch_room");
    EXPECT_FALSE(m.audio_muted);
    EXPECT_TRUE(m.video_muted);
    EXPECT_EQ(m.video_codecs, (std::vector<std::string>{"av1", "vp9", "h264", "vp8"}));
    EXPECT_FALSE(m.diarize) << "not asked";
}

TEST(MemberParseTest, DiarizeIsReadAndAMalformedValueIsAWarning) {
    auto asked = member_from_presence(
        occupant("d1", {muc_user("none", "participant", std::nullopt), text("jitsi_participant_diarize", "true")}), {});
    ASSERT_TRUE(asked);
    EXPECT_TRUE(asked->member.diarize);
    auto malformed = member_from_presence(
        occupant("d1", {muc_user("none", "participant", std::nullopt), text("jitsi_participant_diarize", "loud")}), {});
    ASSERT_TRUE(malformed);
    EXPECT_FALSE(malformed->member.diarize);
    ASSERT_EQ(malformed->warnings.size(), 1U);
    EXPECT_NE(malformed->warnings[0].find("jitsi_participant_diarize"), std::string::npos) << malformed->warnings[0];
}

XmlElement caps(std::string ver) {
    XmlElement c("c", std::string(jicofo::stanza::kNsCaps));
    c.set_attribute("hash", "sha-1");
    c.set_attribute("node", "https://jitsi.org/jitsi-meet");
    c.set_attribute("ver", std::move(ver));
    return c;
}

TEST(MemberParseTest, EqualCapsAndCodecsAreSharedWithAnotherMember) {
    auto parse = [](const std::string& nick, const std::string& ver, const std::string& codecs) {
        return member_from_presence(occupant(nick, {muc_user("none", "participant", std::nullopt), caps(ver),
                                                    text("jitsi_participant_codecList", codecs)}),
                                    {})
            .value()
            .member;
    };
    const Member first = parse("a1", "ver-1", "vp9,h264");
    Member same = parse("b2", "ver-1", "vp9,h264");
    ASSERT_TRUE(same.caps && same.video_codecs);
    EXPECT_NE(&*same.caps, &*first.caps);  // parsed apart: two copies
    share_equal_values(same, first);
    EXPECT_EQ(&*same.caps, &*first.caps);
    EXPECT_EQ(&*same.video_codecs, &*first.video_codecs);
    EXPECT_EQ(same.caps->ver, "ver-1");
    EXPECT_EQ(same.video_codecs, (std::vector<std::string>{"vp9", "h264", "vp8"}));

    Member other = parse("c3", "ver-2", "av1");
    share_equal_values(other, first);
    EXPECT_NE(&*other.caps, &*first.caps);
    EXPECT_EQ(other.caps->ver, "ver-2");
    EXPECT_EQ(other.video_codecs, (std::vector<std::string>{"av1", "vp8"}));

    Member bare =
        member_from_presence(occupant("d4", {muc_user("none", "participant", std::nullopt)}), {}).value().member;
    share_equal_values(bare, first);  // nothing advertised: nothing taken from the other member
    EXPECT_FALSE(bare.caps);
    EXPECT_FALSE(bare.video_codecs);
}

TEST(MemberParseTest, KeepsTheRawPresenceOnlyWhenAskedAndCopiesShareIt) {
    const auto p = occupant("7f3a9c01", {muc_user("none", "participant", std::nullopt), text("stats-id", "Lou")});
    auto kept = member_from_presence(p, {});
    ASSERT_TRUE(kept);
    ASSERT_TRUE(kept->member.presence);
    EXPECT_EQ(*kept->member.presence, p);
    const Member copy = kept->member;
    EXPECT_EQ(&*copy.presence, &*kept->member.presence);  // shared, not copied
    EXPECT_EQ(copy, kept->member);

    MemberParseOptions options;
    options.keep_presence = false;
    auto dropped = member_from_presence(p, options, &kept->member);  // a previous value does not bring it back
    ASSERT_TRUE(dropped);
    EXPECT_FALSE(dropped->member.presence);
    EXPECT_EQ(dropped->member.stats_id, "Lou");
    EXPECT_NE(dropped->member, kept->member);
}

TEST(MemberParseTest, LegacyMuteAndCodecTypeAndNothingMeansMuted) {
    auto legacy = member_from_presence(
        occupant("jigasi", {muc_user("none", "participant", std::nullopt), text("audiomuted", "false"),
                            text("jitsi_participant_codecType", "VP9")}),
        {});
    ASSERT_TRUE(legacy);
    EXPECT_FALSE(legacy->member.audio_muted);
    EXPECT_TRUE(legacy->member.video_muted);
    EXPECT_EQ(legacy->member.video_codecs, (std::vector<std::string>{"vp9", "vp8"}));

    auto bare = member_from_presence(occupant("quiet", {muc_user("none", "visitor", std::nullopt)}), {});
    ASSERT_TRUE(bare);
    EXPECT_TRUE(bare->member.audio_muted);
    EXPECT_TRUE(bare->member.video_muted);
    EXPECT_FALSE(bare->member.video_codecs);
    EXPECT_EQ(bare->member.role, MemberRole::visitor);
}

TEST(MemberParseTest, JibriAndJigasiFeaturesAreTrustedOnlyFromTrustedDomains) {
    MemberParseOptions options;
    options.trusted_domains = {"auth.meet.test"};
    auto trusted = member_from_presence(
        occupant("jibri", {muc_user("none", "participant", "jibri@auth.meet.test/r"),
                           features({jicofo::stanza::kFeatureJibri, jicofo::stanza::kFeatureTranscriber})}),
        options);
    ASSERT_TRUE(trusted);
    EXPECT_TRUE(trusted->member.is_jibri);
    EXPECT_TRUE(trusted->member.is_transcriber);
    EXPECT_FALSE(trusted->member.is_jigasi);

    auto claimed = member_from_presence(occupant("fake", {muc_user("none", "participant", "x@meet.test/r"),
                                                          features({jicofo::stanza::kFeatureJigasi})}),
                                        options);
    ASSERT_TRUE(claimed);
    EXPECT_FALSE(claimed->member.is_jigasi);
    EXPECT_EQ(claimed->member.features.size(), 1U);
    EXPECT_FALSE(claimed->warnings.empty());

    auto hidden = member_from_presence(
        occupant("nojid", {muc_user("none", "participant", std::nullopt), features({jicofo::stanza::kFeatureJibri})}),
        options);
    ASSERT_TRUE(hidden);
    EXPECT_FALSE(hidden->member.is_jibri);
}

// Domains are compared without regard to case: an operator writing "Recorder.Meet.Test" means the domain Prosody
// reports as "recorder.meet.test". Anything that is not exactly the domain (a suffix, a prefix) is not it.
TEST(MemberParseTest, TrustedDomainsAreComparedCaseInsensitively) {
    using jicofo::stanza::Jid;
    const std::vector<std::string> domains = {"Recorder.MEET.test", "auth.meet.test"};
    EXPECT_TRUE(domain_trusted(Jid::parse("jibri@recorder.meet.test/r").value(), domains));
    EXPECT_TRUE(domain_trusted(Jid::parse("JVB@AUTH.Meet.Test/r").value(), domains));
    EXPECT_FALSE(domain_trusted(Jid::parse("x@meet.test/r").value(), domains));
    EXPECT_FALSE(domain_trusted(Jid::parse("x@evil.auth.meet.test/r").value(), domains));
    EXPECT_FALSE(domain_trusted(Jid::parse("x@auth.meet.test.evil/r").value(), domains));
    EXPECT_FALSE(domain_trusted(std::nullopt, domains));

    MemberParseOptions options;
    options.trusted_domains = {"Recorder.MEET.test"};
    auto jibri = member_from_presence(occupant("jibri", {muc_user("none", "participant", "jibri@recorder.meet.test/r"),
                                                         features({jicofo::stanza::kFeatureJibri})}),
                                      options);
    ASSERT_TRUE(jibri);
    EXPECT_TRUE(jibri->member.is_jibri);
}

TEST(MemberParseTest, BrokenExtensionKeepsThePreviousValueAndBrokenRoleIsAnError) {
    auto first = member_from_presence(occupant("a", {muc_user("none", "participant", std::nullopt),
                                                     text("SourceInfo", R"({"a-a0":{"muted":false}})")}),
                                      {});
    ASSERT_TRUE(first);
    auto broken = member_from_presence(
        occupant("a", {muc_user("none", "participant", std::nullopt), text("SourceInfo", "not json")}), {},
        &first->member);
    ASSERT_TRUE(broken);
    EXPECT_EQ(broken->warnings.size(), 1U);
    EXPECT_FALSE(broken->member.audio_muted);

    EXPECT_FALSE(member_from_presence(occupant("b", {muc_user("none", "overlord", std::nullopt)}), {}));
    EXPECT_FALSE(member_from_presence(occupant("c", {text("stats-id", "x")}), {}));
    Presence from_room;
    from_room.from = Jid::parse("room1@conference.meet.test").value();
    EXPECT_FALSE(member_from_presence(from_room, {}));
}

TEST(RoomInfoTest, ReadsMeetingIdAndBreakoutFromTheForms) {
    DataForm config;
    config.type = "form";
    config.set_field("muc#roomconfig_membersonly", std::string("1"));
    config.set_field("muc#roominfo_meetingId", std::string("from-config"));
    DataForm roominfo;
    roominfo.type = "result";
    roominfo.set_field("muc#roominfo_meetingId", std::string("8f2c"));
    roominfo.set_field("muc#roominfo_isbreakout", std::string("true"));
    roominfo.set_field("muc#roominfo_breakout_main_room", std::string("main@conference.meet.test"));
    const auto info = room_info_from(&config, &roominfo);
    EXPECT_EQ(info.meeting_id, "8f2c");
    EXPECT_TRUE(info.is_breakout);
    EXPECT_EQ(info.main_room->to_string(), "main@conference.meet.test");
    EXPECT_TRUE(info.lobby_enabled);

    const auto nothing = room_info_from(nullptr, nullptr);
    EXPECT_FALSE(nothing.meeting_id);
    EXPECT_FALSE(nothing.is_breakout);

    const auto submit = room_config_submit();
    EXPECT_EQ(submit.type, "submit");
    EXPECT_EQ(submit.form_type(), jicofo::stanza::kFormTypeRoomConfig);
    EXPECT_EQ(submit.value("muc#roomconfig_whois"), "anyone");
}

TEST(MucErrorTest, JoinErrorsMapToTheirCauses) {
    using jicofo::stanza::ErrorCondition;
    EXPECT_EQ(muc_errc_from_condition(ErrorCondition::conflict), MucErrc::nick_in_use);
    EXPECT_EQ(muc_errc_from_condition(ErrorCondition::not_authorized), MucErrc::not_authorized);
    EXPECT_EQ(muc_errc_from_condition(ErrorCondition::registration_required), MucErrc::registration_required);
    EXPECT_EQ(muc_errc_from_condition(ErrorCondition::forbidden), MucErrc::forbidden);
    EXPECT_EQ(muc_errc_from_condition(ErrorCondition::bad_request), MucErrc::join_failed);
    const std::error_code code = MucErrc::timeout;
    EXPECT_EQ(code.category().name(), std::string("jicofo.muc"));
    EXPECT_FALSE(code.message().empty());
}
