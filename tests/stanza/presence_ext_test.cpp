// Jitsi presence extensions (what lib-jitsi-meet sends and what the focus publishes) and brewery status.
#include "golden.hpp"
#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

// The join presence of a current lib-jitsi-meet, as observed against Prosody.
constexpr std::string_view kClientJoin = R"(<presence to='room1@conference.meet.test/2b016c41'>
    <x xmlns='http://jabber.org/protocol/muc'/>
    <stats-id>Makayla-XEx</stats-id>
    <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://jitsi.org/jitsi-meet' ver='abc='/>
    <SourceInfo>{"2b016c41-a0":{"muted":false},"2b016c41-v0":{"muted":true,"videoType":"camera"}}</SourceInfo>
    <jitsi_participant_codecList>av1,vp9,vp8,h264</jitsi_participant_codecList>
    <jitsi_participant_region>us-east-1</jitsi_participant_region>
    <nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>
    <features><feature var='http://jitsi.org/protocol/jibri'/></features>
    <audiomuted>true</audiomuted>
    <videomuted xmlns='http://jitsi.org/jitmeet/video'>false</videomuted>
    <jitsi_participant_codecType>VP9</jitsi_participant_codecType>
    <identity><user><id>u1</id><name>Alice</name><avatar>https://a/x.png</avatar></user><group>g1</group></identity>
  </presence>)";

TEST(JitsiPresence, ReadsEveryExtensionOfAClientJoin) {
    const auto presence = Presence::parse(xml(kClientJoin));
    ASSERT_TRUE(presence) << presence.error().message();

    const auto stats_id = StatsId::parse(*presence->extension("stats-id"));
    ASSERT_TRUE(stats_id);
    EXPECT_EQ(stats_id->value, "Makayla-XEx");

    const auto source_info = SourceInfo::parse(*presence->extension("SourceInfo"));
    ASSERT_TRUE(source_info);
    const auto sources = source_info->sources();
    ASSERT_TRUE(sources) << sources.error().message();
    ASSERT_EQ(sources->size(), 2U);
    EXPECT_EQ(sources->at("2b016c41-a0").muted, false);
    EXPECT_EQ(sources->at("2b016c41-v0").muted, true);
    EXPECT_EQ(sources->at("2b016c41-v0").video_type, "camera");

    const auto codecs = CodecList::parse(*presence->extension("jitsi_participant_codecList"));
    ASSERT_TRUE(codecs);
    EXPECT_EQ(codecs->codecs, (std::vector<std::string>{"av1", "vp9", "vp8", "h264"}));
    EXPECT_EQ(CodecType::parse(*presence->extension("jitsi_participant_codecType"))->codec, "vp9");
    EXPECT_EQ(Region::parse(*presence->extension("jitsi_participant_region"))->value, "us-east-1");
    EXPECT_EQ(Nick::parse(*presence->extension("nick", kNsNick))->value, "Alice");
    EXPECT_TRUE(Features::parse(*presence->extension("features"))->has(kFeatureJibri));
    EXPECT_TRUE(AudioMuted::parse(*presence->extension("audiomuted"))->muted);
    EXPECT_FALSE(VideoMuted::parse(*presence->extension("videomuted"))->muted);
    const auto identity = UserIdentity::parse(*presence->extension("identity"));
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->user_id, "u1");
    EXPECT_EQ(identity->group, "g1");
}

TEST(JitsiPresence, GoldenRoundTrips) {
    EXPECT_TRUE(round_trips<StatsId>(xml("<stats-id>Makayla-XEx</stats-id>")));
    EXPECT_TRUE(round_trips<Region>(xml("<jitsi_participant_region>eu</jitsi_participant_region>")));
    EXPECT_TRUE(round_trips<Diarize>(xml("<jitsi_participant_diarize>true</jitsi_participant_diarize>")));
    EXPECT_TRUE(round_trips<Features>(xml("<features><feature var='http://jitsi.org/protocol/jigasi'/></features>")));
    EXPECT_TRUE(round_trips<AudioMuted>(xml("<audiomuted>true</audiomuted>")));
    EXPECT_TRUE(round_trips<VideoMuted>(xml("<videomuted>false</videomuted>")));
    EXPECT_TRUE(round_trips<SourceInfo>(xml(R"(<SourceInfo>{"a-a0":{"muted":true}}</SourceInfo>)")));
    EXPECT_TRUE(round_trips<Nick>(xml("<nick xmlns='http://jabber.org/protocol/nick'>Bob</nick>")));
    EXPECT_TRUE(round_trips<CodecList>(xml("<jitsi_participant_codecList>vp9,vp8</jitsi_participant_codecList>")));
    EXPECT_TRUE(round_trips<CodecType>(xml("<jitsi_participant_codecType>vp8</jitsi_participant_codecType>")));
    EXPECT_TRUE(round_trips<UserIdentity>(xml("<identity><user><id>u</id></user><group>g</group></identity>")));
}

TEST(JitsiPresence, FocusPublishedExtensions) {
    const auto etherpad = xml("<etherpad xmlns='http://jitsi.org/jitmeet/etherpad'>room1</etherpad>");
    EXPECT_EQ(Etherpad::parse(etherpad)->name, "room1");
    EXPECT_TRUE(round_trips<Etherpad>(etherpad));

    const auto versions = xml(R"(<versions xmlns='http://jitsi.org/jitmeet'>
        <component name='focus'>1.0.1</component><component name='xmpp'>0.12.3</component></versions>)");
    const auto parsed = Versions::parse(versions);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->version("focus"), "1.0.1");
    EXPECT_FALSE(parsed->version("videobridge"));
    EXPECT_TRUE(round_trips<Versions>(versions));
    EXPECT_TRUE(same_xml(Versions{{{"focus", "1.0.1"}, {"xmpp", "0.12.3"}}}.to_xml(), versions));
}

TEST(JitsiPresence, MalformedValues) {
    EXPECT_FALSE(AudioMuted::parse(xml("<audiomuted>perhaps</audiomuted>")));
    EXPECT_FALSE(StatsId::parse(xml("<stats/>")));
    EXPECT_FALSE(Diarize::parse(xml("<jitsi_participant_diarize>please</jitsi_participant_diarize>")));
    EXPECT_FALSE(Diarize::parse(xml("<jitsi_participant_diarize/>")));
    EXPECT_FALSE(Nick::parse(xml("<nick>no namespace</nick>")));
    EXPECT_FALSE(Etherpad::parse(xml("<etherpad>x</etherpad>")));
    EXPECT_TRUE(CodecList::parse(xml("<jitsi_participant_codecList/>"))->codecs.empty());
    EXPECT_EQ(CodecList::parse(xml("<jitsi_participant_codecList> VP9, ,h264 </jitsi_participant_codecList>"))->codecs,
              (std::vector<std::string>{"vp9", "h264"}));
}

TEST(SourceInfo, TolerantJsonReading) {
    const auto read = [](std::string json) { return SourceInfo{std::move(json)}.sources(); };
    EXPECT_TRUE(read("{}")->empty());
    EXPECT_TRUE(read(" { } ")->empty());
    const auto extra = read(R"({"s1":{"muted":true,"extra":[1,{"x":null}],"n":-1.5e3},"s2":"odd","s3":{}})");
    ASSERT_TRUE(extra) << extra.error().message();
    EXPECT_EQ(extra->size(), 2U) << "non-object entries are skipped";
    EXPECT_EQ(extra->at("s1").muted, true);
    EXPECT_FALSE(extra->at("s3").muted);
    const auto escaped = read(R"({"a\"b\u00e9\ud83d\ude00":{"videoType":"desk\ntop"}})");
    ASSERT_TRUE(escaped);
    EXPECT_EQ(escaped->begin()->first, "a\"b\xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_EQ(escaped->begin()->second.video_type, "desk\ntop");

    for (const char* bad : {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":{\"muted\":tru}}", "{\"a\":1,}", "{} x",
                            "{\"a\":\"\\ud800\"}", "{\"a\":{\"b\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}}"}) {
        EXPECT_FALSE(read(bad)) << bad;
    }
}

TEST(ColibriStats, GoldenBridgePresence) {
    const auto golden = xml(R"(<stats xmlns='http://jitsi.org/protocol/colibri'>
        <stat name='stress_level' value='0.12'/>
        <stat name='average_participant_stress' value='0.005'/>
        <stat name='region' value='us-east-1'/>
        <stat name='relay_id' value='jvb1-relay'/>
        <stat name='version' value='2.3.100'/>
        <stat name='release' value='123'/>
        <stat name='drain' value='false'/>
        <stat name='graceful_shutdown' value='false'/>
        <stat name='shutting_down' value='false'/>
        <stat name='healthy' value='true'/>
        <stat name='cpu_usage' value='1.0E-4'/>
      </stats>)");
    const auto stats = ColibriStats::parse(golden);
    ASSERT_TRUE(stats);
    EXPECT_DOUBLE_EQ(*stats->stress_level(), 0.12);
    EXPECT_DOUBLE_EQ(*stats->average_participant_stress(), 0.005);
    EXPECT_EQ(stats->region(), "us-east-1");
    EXPECT_EQ(stats->relay_id(), "jvb1-relay");
    EXPECT_EQ(stats->version(), "2.3.100");
    EXPECT_EQ(stats->release(), "123");
    EXPECT_EQ(stats->drain(), false);
    EXPECT_EQ(stats->graceful_shutdown(), false);
    EXPECT_EQ(stats->shutting_down(), false);
    EXPECT_EQ(stats->healthy(), true);
    EXPECT_DOUBLE_EQ(*stats->get_double("cpu_usage"), 1e-4);
    EXPECT_FALSE(stats->supports_sip());
    EXPECT_TRUE(round_trips<ColibriStats>(golden));
}

TEST(ColibriStats, JigasiAndMalformedValues) {
    const auto stats = ColibriStats::parse(xml(R"(<stats xmlns='http://jitsi.org/protocol/colibri'>
        <stat name='supports_sip' value='true'/><stat name='supports_transcription' value='false'/>
        <stat name='participants' value='7'/><stat name='stress_level' value='high'/>
        <stat value='nameless'/><stat name='drain' value='sometimes'/></stats>)"));
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->supports_sip(), true);
    EXPECT_EQ(stats->supports_transcription(), false);
    EXPECT_EQ(stats->participants(), 7);
    EXPECT_FALSE(stats->stress_level()) << "an unreadable value is absent, and the caller's default applies";
    EXPECT_FALSE(stats->drain());
    EXPECT_EQ(stats->stats.size(), 5U);
    EXPECT_FALSE(ColibriStats::parse(xml("<stats/>")));
}

TEST(JibriStatus, GoldenRoundTripAndAvailability) {
    const auto golden = xml(R"(<jibri-status xmlns='http://jitsi.org/protocol/jibri'>
        <busy-status xmlns='http://jitsi.org/protocol/jibri' status='idle'/>
        <health-status xmlns='http://jitsi.org/protocol/health' status='healthy'/>
      </jibri-status>)");
    const auto status = JibriStatus::parse(golden);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->busy, JibriBusyStatus::idle);
    EXPECT_EQ(status->health, JibriHealth::healthy);
    EXPECT_TRUE(status->is_available());
    EXPECT_TRUE(round_trips<JibriStatus>(golden));

    const auto busy = JibriStatus::parse(xml(R"(<jibri-status xmlns='http://jitsi.org/protocol/jibri'>
        <busy-status status='busy'/><health-status xmlns='http://jitsi.org/protocol/health' status='odd'/>
      </jibri-status>)"));
    ASSERT_TRUE(busy);
    EXPECT_FALSE(busy->is_available());
    EXPECT_FALSE(busy->health);
    EXPECT_FALSE(JibriStatus::parse(xml("<jibri-status/>")));
}

TEST(HealthCheckIq, GoldenRoundTrip) {
    EXPECT_TRUE(round_trips<HealthCheckIq>(xml("<healthcheck xmlns='http://jitsi.org/protocol/health'/>")));
    EXPECT_FALSE(HealthCheckIq::parse(xml("<healthcheck xmlns='http://jitsi.org/protocol/colibri'/>")));
}

}  // namespace
}  // namespace jicofo::stanza
