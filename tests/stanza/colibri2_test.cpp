// Colibri2 requests and responses as jicofo and the bridge exchange them, the error reason, and malformed input.
#include "jicofo/stanza/colibri2.hpp"
#include "golden.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

// Allocating the first endpoint, which creates the conference on the bridge (protocol section 4(d)).
constexpr std::string_view kAllocate = R"(
<conference-modify xmlns='jitsi:colibri2' meeting-id='88ff288c-5eb4-4b52-9f31-6f8f5b3c2e10'
                   name='room1@conference.example.com' create='true' rtcstats-enabled='true'>
  <endpoint id='a1b2c3d4' create='true' stats-id='Alice-Xyz'>
    <media type='audio'>
      <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus' clockrate='48000' channels='2'>
        <parameter name='minptime' value='10'/>
        <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
      </payload-type>
      <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
      <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
    </media>
    <media type='video'>
      <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='100' name='VP8' clockrate='90000'>
        <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
      </payload-type>
      <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='96' name='rtx' clockrate='90000'>
        <parameter name='apt' value='100'/>
      </payload-type>
    </media>
    <transport ice-controlling='true'><sctp/></transport>
    <sources/>
    <capability name='source-names'/>
    <capability name='ssrc-rewriting'/>
    <force-mute audio='true' video='false'/>
  </endpoint>
</conference-modify>)";

// The bridge's answer: its transport for the endpoint, and its feedback sources because the conference was created.
constexpr std::string_view kAllocated = R"(
<conference-modified xmlns='jitsi:colibri2'>
  <endpoint id='a1b2c3d4'>
    <transport>
      <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='2b3v' pwd='5fh2q9v3o0'>
        <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AC:58:9E:01</fingerprint>
        <candidate component='1' foundation='1' generation='0' id='6b4c3e0' ip='203.0.113.5' port='10000'
                   priority='2130706431' protocol='udp' type='host'/>
        <web-socket xmlns='http://jitsi.org/protocol/colibri' url='wss://jvb1.example.com/colibri-ws/jvb1/c/a1b2c3d4?pwd=x'/>
        <rtcp-mux/>
      </transport>
      <sctp port='5000' role='server'/>
    </transport>
  </endpoint>
  <sources>
    <media-source type='audio' id='jvb-a0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'/></media-source>
    <media-source type='video' id='jvb-v0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456' name='jvb-v0'/></media-source>
  </sources>
</conference-modified>)";

// After session-accept: the client's transport, its sources and its initial last-n.
constexpr std::string_view kUpdateEndpoint = R"(
<conference-modify xmlns='jitsi:colibri2' meeting-id='88ff288c'>
  <endpoint id='a1b2c3d4' stats-id='Alice-Xyz'>
    <transport>
      <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='hLAv' pwd='mAq4'>
        <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>5C:E2</fingerprint>
      </transport>
    </transport>
    <sources>
      <media-source type='audio' id='a1b2c3d4-a0'>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1757014965' name='a1b2c3d4-a0'/>
      </media-source>
      <media-source type='video' id='a1b2c3d4-v0'>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1' name='a1b2c3d4-v0' videoType='camera'/>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2' name='a1b2c3d4-v0' videoType='camera'/>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='11' name='a1b2c3d4-v0' videoType='camera'/>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='12' name='a1b2c3d4-v0' videoType='camera'/>
        <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='SIM'><source ssrc='1'/><source ssrc='2'/></ssrc-group>
        <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='1'/><source ssrc='11'/></ssrc-group>
        <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='2'/><source ssrc='12'/></ssrc-group>
      </media-source>
      <media-source type='audio' id='translated-a1b2c3d4-fr' synthetic='true'>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='99'/>
      </media-source>
    </sources>
    <initial-last-n value='25'/>
  </endpoint>
</conference-modify>)";

// A relay link to another bridge, as sent to the initiating side.
constexpr std::string_view kRelay = R"(
<conference-modify xmlns='jitsi:colibri2' meeting-id='88ff288c'>
  <relay id='jvb2-relay' create='true' mesh-id='0'>
    <media type='audio'>
      <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus' clockrate='48000' channels='2'/>
    </media>
    <media type='video'>
      <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='100' name='VP8' clockrate='90000'/>
    </media>
    <endpoints>
      <endpoint id='e5f6a7b8' create='true' stats-id='Bob-Abc'>
        <sources><media-source type='audio' id='e5f6a7b8-a0'>
          <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='777' name='e5f6a7b8-a0'/></media-source></sources>
      </endpoint>
      <endpoint id='c9d0e1f2' create='true' stats-id='Carol-Def' muc-role='visitor'/>
    </endpoints>
    <transport use-unique-port='true' ice-controlling='true'><sctp role='client'/></transport>
  </relay>
</conference-modify>)";

::testing::AssertionResult fails_naming(std::string_view document, std::string_view expected) {
    const auto element = xml(document);
    const auto parsed = element.name() == "conference-modify" ? ConferenceModify::parse(element).has_value()
                                                              : ConferenceModified::parse(element).has_value();
    if (parsed) {
        return ::testing::AssertionFailure() << "parsed, expected an error mentioning " << expected;
    }
    const auto error = element.name() == "conference-modify" ? ConferenceModify::parse(element).error()
                                                             : ConferenceModified::parse(element).error();
    if (error.condition != ErrorCondition::bad_request || error.text.find(expected) == std::string::npos) {
        return ::testing::AssertionFailure() << "error '" << error.message() << "' does not mention " << expected;
    }
    return ::testing::AssertionSuccess() << error.message();
}

std::string with(std::string_view document, std::string_view anchor, std::string_view from, std::string_view to) {
    std::string text(document);
    const auto at = text.find(anchor);
    EXPECT_NE(at, std::string::npos) << anchor;
    const auto pos = text.find(from, at);
    EXPECT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    return text;
}

TEST(Colibri2, AllocateRequestGoldenRoundTrip) {
    const auto golden = xml(kAllocate);
    EXPECT_TRUE(round_trips<ConferenceModify>(golden));

    const auto modify = ConferenceModify::parse(golden);
    ASSERT_TRUE(modify) << modify.error().message();
    EXPECT_EQ(modify->meeting_id, "88ff288c-5eb4-4b52-9f31-6f8f5b3c2e10");
    EXPECT_EQ(modify->name, "room1@conference.example.com");
    EXPECT_TRUE(modify->create);
    EXPECT_FALSE(modify->expire);
    EXPECT_EQ(modify->rtcstats_enabled, true);
    EXPECT_FALSE(modify->callstats_enabled);
    EXPECT_FALSE(modify->connects);
    ASSERT_EQ(modify->endpoints.size(), 1U);

    const Colibri2Endpoint& ep = modify->endpoints[0];
    EXPECT_EQ(ep.id, "a1b2c3d4");
    EXPECT_TRUE(ep.create);
    EXPECT_EQ(ep.stats_id, "Alice-Xyz");
    EXPECT_FALSE(ep.muc_role);
    ASSERT_EQ(ep.medias.size(), 2U);
    EXPECT_EQ(ep.medias[0].type, MediaType::audio);
    EXPECT_EQ(ep.medias[0].payload_types.at(0).name, "opus");
    EXPECT_EQ(ep.medias[0].hdrexts.at(0).id, 1);
    EXPECT_TRUE(ep.medias[0].extmap_allow_mixed);
    EXPECT_EQ(ep.medias[1].type, MediaType::video);
    EXPECT_EQ(ep.medias[1].payload_types.at(1).parameter("apt"), "100");
    ASSERT_TRUE(ep.transport);
    EXPECT_EQ(ep.transport->ice_controlling, true);
    ASSERT_TRUE(ep.transport->sctp);
    EXPECT_FALSE(ep.transport->sctp->port);
    EXPECT_FALSE(ep.transport->ice_udp);
    ASSERT_TRUE(ep.sources) << "an empty <sources/> is kept";
    EXPECT_TRUE(ep.sources->media_sources.empty());
    EXPECT_TRUE(ep.has_capability(kCapabilitySourceNames));
    EXPECT_TRUE(ep.has_capability(kCapabilitySsrcRewriting));
    EXPECT_FALSE(ep.has_capability(kCapabilityPrivateAddressConnectivity));
    ASSERT_TRUE(ep.force_mute);
    EXPECT_TRUE(ep.force_mute->audio);
    EXPECT_FALSE(ep.force_mute->video);
    EXPECT_FALSE(ep.initial_last_n);
}

TEST(Colibri2, AllocateResponseWithFeedbackSources) {
    const auto golden = xml(kAllocated);
    EXPECT_TRUE(round_trips<ConferenceModified>(golden));

    const auto modified = ConferenceModified::parse(golden);
    ASSERT_TRUE(modified) << modified.error().message();
    const Colibri2Endpoint* ep = modified->endpoint("a1b2c3d4");
    ASSERT_NE(ep, nullptr);
    EXPECT_EQ(modified->endpoint("nobody"), nullptr);
    ASSERT_TRUE(ep->transport && ep->transport->ice_udp);
    const IceUdpTransport& ice = *ep->transport->ice_udp;
    EXPECT_EQ(ice.ufrag, "2b3v");
    EXPECT_EQ(ice.pwd, "5fh2q9v3o0");
    EXPECT_EQ(ice.fingerprints.at(0).setup, "actpass");
    EXPECT_EQ(ice.candidates.at(0).port, 10000);
    EXPECT_EQ(ice.web_sockets.size(), 1U);
    EXPECT_TRUE(ice.rtcp_mux);
    EXPECT_FALSE(ice.ice_generation);
    ASSERT_TRUE(ep->transport->sctp);
    EXPECT_EQ(ep->transport->sctp->port, 5000);
    EXPECT_EQ(ep->transport->sctp->role, SctpRole::server);

    ASSERT_TRUE(modified->sources);
    ASSERT_EQ(modified->sources->media_sources.size(), 2U);
    const MediaSource& audio = modified->sources->media_sources[0];
    EXPECT_EQ(audio.type, MediaType::audio);
    EXPECT_EQ(audio.id, "jvb-a0");
    EXPECT_FALSE(audio.synthetic);
    EXPECT_EQ(audio.sources.at(0).ssrc, 123U);
    EXPECT_EQ(modified->sources->media_sources[1].sources.at(0).ssrc, 456U);
}

TEST(Colibri2, EndpointUpdateWithSourcesAndInitialLastN) {
    const auto golden = xml(kUpdateEndpoint);
    EXPECT_TRUE(round_trips<ConferenceModify>(golden));
    const auto modify = ConferenceModify::parse(golden);
    ASSERT_TRUE(modify) << modify.error().message();
    EXPECT_FALSE(modify->create);
    EXPECT_FALSE(modify->name);
    const Colibri2Endpoint& ep = modify->endpoints.at(0);
    EXPECT_FALSE(ep.create);
    EXPECT_TRUE(ep.medias.empty());
    EXPECT_EQ(ep.transport->ice_udp->fingerprints.at(0).setup, "active");
    ASSERT_EQ(ep.sources->media_sources.size(), 3U);
    const MediaSource& video = ep.sources->media_sources[1];
    EXPECT_EQ(video.type, MediaType::video);
    EXPECT_EQ(video.sources.size(), 4U);
    EXPECT_EQ(video.sources[0].video_type, "camera");
    ASSERT_EQ(video.ssrc_groups.size(), 3U);
    EXPECT_EQ(video.ssrc_groups[0].semantics, "SIM");
    EXPECT_EQ(video.ssrc_groups[2].ssrcs, (std::vector<std::uint32_t>{2, 12}));
    EXPECT_TRUE(ep.sources->media_sources[2].synthetic);
    ASSERT_TRUE(ep.initial_last_n);
    EXPECT_EQ(ep.initial_last_n->value, 25);
}

TEST(Colibri2, RelayRequestGoldenRoundTrip) {
    const auto golden = xml(kRelay);
    EXPECT_TRUE(round_trips<ConferenceModify>(golden));
    const auto modify = ConferenceModify::parse(golden);
    ASSERT_TRUE(modify) << modify.error().message();
    EXPECT_TRUE(modify->endpoints.empty());
    ASSERT_EQ(modify->relays.size(), 1U);
    const Colibri2Relay& relay = modify->relays[0];
    EXPECT_EQ(relay.id, "jvb2-relay");
    EXPECT_TRUE(relay.create);
    EXPECT_EQ(relay.mesh_id, "0");
    EXPECT_EQ(relay.medias.size(), 2U);
    ASSERT_EQ(relay.endpoints.size(), 2U);
    EXPECT_EQ(relay.endpoints[0].sources->media_sources.at(0).sources.at(0).ssrc, 777U);
    EXPECT_EQ(relay.endpoints[1].muc_role, "visitor");
    ASSERT_TRUE(relay.transport);
    EXPECT_EQ(relay.transport->use_unique_port, true);
    EXPECT_EQ(relay.transport->ice_controlling, true);
    EXPECT_EQ(relay.transport->sctp->role, SctpRole::client);
}

TEST(Colibri2, RelayTransportForwardedToTheOtherBridge) {
    const auto golden = xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m'>
        <relay id='jvb1-relay'><transport>
          <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'>
            <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='passive'>AB</fingerprint>
            <candidate component='1' foundation='1' generation='0' id='c' ip='10.0.0.2' port='10001'
                       priority='1' protocol='udp' type='host'/>
          </transport></transport></relay></conference-modify>)");
    EXPECT_TRUE(round_trips<ConferenceModify>(golden));
    const auto modified_answer = xml(R"(<conference-modified xmlns='jitsi:colibri2'>
        <relay id='jvb1-relay'><transport><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u'/>
        </transport></relay></conference-modified>)");
    const auto modified = ConferenceModified::parse(modified_answer);
    ASSERT_TRUE(modified) << modified.error().message();
    ASSERT_NE(modified->relay("jvb1-relay"), nullptr);
    EXPECT_EQ(modified->relay("jvb1-relay")->transport->ice_udp->ufrag, "u");
    EXPECT_TRUE(round_trips<ConferenceModified>(modified_answer));
}

TEST(Colibri2, ExpireAndForceMuteBuiltFromValues) {
    ConferenceModify expire_endpoint;
    expire_endpoint.meeting_id = "m1";
    expire_endpoint.endpoints.emplace_back().id = "a1b2c3d4";
    expire_endpoint.endpoints.back().expire = true;
    const auto expire_xml =
        xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'><endpoint id='a1b2c3d4' expire='true'/>"
            "</conference-modify>");
    EXPECT_TRUE(same_xml(expire_endpoint.to_xml(), expire_xml));
    EXPECT_TRUE(round_trips<ConferenceModify>(expire_xml));

    ConferenceModify expire_conference;
    expire_conference.meeting_id = "m1";
    expire_conference.expire = true;
    EXPECT_TRUE(same_xml(expire_conference.to_xml(),
                         xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1' expire='true'/>")));

    ConferenceModify mute;
    mute.meeting_id = "m1";
    mute.endpoints.emplace_back().id = "e1";
    mute.endpoints.back().force_mute = ForceMute{true, false};
    const auto mute_xml = xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'>
        <endpoint id='e1'><force-mute audio='true' video='false'/></endpoint></conference-modify>)");
    EXPECT_TRUE(same_xml(mute.to_xml(), mute_xml));
    EXPECT_EQ(ConferenceModify::parse(mute_xml).value(), mute);

    ConferenceModify remove_relay;
    remove_relay.meeting_id = "m1";
    remove_relay.relays.emplace_back().id = "jvb2-relay";
    remove_relay.relays.back().expire = true;
    EXPECT_TRUE(same_xml(remove_relay.to_xml(), xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'>"
                                                    "<relay id='jvb2-relay' expire='true'/></conference-modify>")));
}

// Jicofo's newer endpoint options: diarize (written only when asked) and the rtp-mid-demux capability.
TEST(Colibri2, DiarizeAndRtpMidDemuxOnAnEndpointCreate) {
    const auto document = xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'>
        <endpoint id='e1' create='true' stats-id='Eve-1' diarize='true'>
          <capability name='source-names'/><capability name='ssrc-rewriting'/><capability name='rtp-mid-demux'/>
        </endpoint></conference-modify>)");
    const auto parsed = ConferenceModify::parse(document);
    ASSERT_TRUE(parsed) << parsed.error().message();
    const auto& endpoint = parsed->endpoints.at(0);
    EXPECT_TRUE(endpoint.diarize);
    EXPECT_TRUE(endpoint.has_capability(kCapabilityRtpMidDemux));
    EXPECT_TRUE(round_trips<ConferenceModify>(document));

    Colibri2Endpoint plain;
    plain.id = "e2";
    plain.create = true;
    EXPECT_FALSE(plain.to_xml().attribute("diarize")) << "absent unless asked, as Jicofo";
    EXPECT_TRUE(
        fails_naming(with(kAllocate, "<endpoint", "create='true'", "create='true' diarize='maybe'"), "diarize"));
}

TEST(Colibri2, IceRestartRequestAndGenerationInTheAnswer) {
    const auto request = xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'>
        <endpoint id='e1'><transport ice-restart='true'/></endpoint></conference-modify>)");
    EXPECT_TRUE(round_trips<ConferenceModify>(request));
    EXPECT_EQ(ConferenceModify::parse(request)->endpoints.at(0).transport->ice_restart, true);

    const auto answer = xml(R"(<conference-modified xmlns='jitsi:colibri2'><endpoint id='e1'><transport>
        <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='new' pwd='fresh' ice-generation='2'/>
        </transport></endpoint></conference-modified>)");
    EXPECT_TRUE(round_trips<ConferenceModified>(answer));
    EXPECT_EQ(ConferenceModified::parse(answer)->endpoint("e1")->transport->ice_udp->ice_generation, 2U);
}

TEST(Colibri2Error, ReasonFromABridgeError) {
    const auto error_element = xml(R"(<error type='cancel'>
        <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Conference not found for ID: 88ff288c</text>
        <error xmlns='jitsi:colibri2' reason='conference_not_found'/></error>)");
    const auto stanza_error = StanzaError::parse(error_element);
    ASSERT_TRUE(stanza_error) << stanza_error.error().message();
    EXPECT_EQ(stanza_error->condition, ErrorCondition::item_not_found);
    const auto reason = colibri2_error(*stanza_error);
    ASSERT_TRUE(reason);
    EXPECT_EQ(reason->reason, Colibri2ErrorReason::conference_not_found);
    EXPECT_EQ(colibri2_error(error_element), reason);
    EXPECT_TRUE(round_trips<Colibri2Error>(*error_element.child("error", kNsColibri2)));

    const Colibri2Error graceful{Colibri2ErrorReason::graceful_shutdown, {}};
    const auto built = graceful.to_stanza_error(ErrorCondition::service_unavailable, "shutting down");
    const auto reparsed = StanzaError::parse(built.to_xml());
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(reparsed->condition, ErrorCondition::service_unavailable);
    EXPECT_EQ(colibri2_error(*reparsed), graceful);
    EXPECT_TRUE(same_xml(graceful.to_xml(), xml("<error xmlns='jitsi:colibri2' reason='graceful_shutdown'/>")));
}

TEST(Colibri2Error, ReasonsAreReadCaseInsensitivelyAndUnknownOnesKept) {
    const auto read = [](std::string_view text) { return Colibri2Error::parse(xml(text)).value(); };
    EXPECT_EQ(read("<error xmlns='jitsi:colibri2' reason='CONFERENCE_ALREADY_EXISTS'/>").reason,
              Colibri2ErrorReason::conference_already_exists);
    EXPECT_EQ(read("<error xmlns='jitsi:colibri2' reason='Unknown_Endpoint'/>").reason,
              Colibri2ErrorReason::unknown_endpoint);
    EXPECT_EQ(read("<error xmlns='jitsi:colibri2' reason='feature_not_implemented'/>").reason,
              Colibri2ErrorReason::feature_not_implemented);
    EXPECT_EQ(read("<error xmlns='jitsi:colibri2'/>").reason, Colibri2ErrorReason::unspecified);
    EXPECT_TRUE(round_trips<Colibri2Error>(xml("<error xmlns='jitsi:colibri2'/>")));

    const auto unknown = read("<error xmlns='jitsi:colibri2' reason='TOO_MANY_ENDPOINTS'/>");
    EXPECT_EQ(unknown.reason, Colibri2ErrorReason::unknown);
    EXPECT_EQ(unknown.unknown_reason, "TOO_MANY_ENDPOINTS");
    EXPECT_TRUE(round_trips<Colibri2Error>(xml("<error xmlns='jitsi:colibri2' reason='TOO_MANY_ENDPOINTS'/>")));
}

TEST(Colibri2Error, NoReasonWithoutAColibri2Element) {
    EXPECT_FALSE(colibri2_error(StanzaError::make(ErrorCondition::item_not_found)));
    auto focus_specific = StanzaError::make(ErrorCondition::not_acceptable);
    focus_specific.app_specific = XmlElement("session-invalid", std::string(kNsFocus));
    EXPECT_FALSE(colibri2_error(focus_specific));
    EXPECT_FALSE(Colibri2Error::parse(xml("<error type='cancel'/>")));

    // Another application-specific element first: the element form still finds the reason.
    const auto both = xml(R"(<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        <detail xmlns='urn:example'/><error xmlns='jitsi:colibri2' reason='conference_already_exists'/></error>)");
    EXPECT_FALSE(colibri2_error(StanzaError::parse(both).value()));
    ASSERT_TRUE(colibri2_error(both));
    EXPECT_EQ(colibri2_error(both)->reason, Colibri2ErrorReason::conference_already_exists);
}

TEST(Colibri2, MalformedRequestsAreRefusedNamingTheProblem) {
    EXPECT_TRUE(fails_naming("<conference-modify xmlns='jitsi:colibri2'/>", "'meeting-id'"));
    EXPECT_TRUE(fails_naming("<conference-modify xmlns='jitsi:colibri2' meeting-id=''/>", "'meeting-id'"));
    EXPECT_TRUE(
        fails_naming(with(kAllocate, "<conference-modify", "create='true'", "create='yes please'"), "'create'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "rtcstats", "rtcstats-enabled='true'", "rtcstats-enabled='on'"),
                             "'rtcstats-enabled'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<endpoint", "id='a1b2c3d4' ", ""), "<endpoint/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<media type='video'", "type='video'", "type='data'"),
                             "'type' is not audio or video"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<media type='audio'", "type='audio'", ""), "<media/> without 'type'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<payload-type", "id='111' ", ""), "<payload-type/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<rtp-hdrext", "id='1'", "id='x'"), "'id' is not a number"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<transport", "ice-controlling='true'", "ice-controlling='sure'"),
                             "'ice-controlling'"));
    EXPECT_TRUE(fails_naming(with(kAllocate, "<force-mute", "audio='true'", "audio='x'"), "'audio'"));
    // The error says which endpoint was wrong.
    EXPECT_TRUE(fails_naming(with(kAllocate, "<force-mute", "audio='true'", "audio='x'"), "endpoint 'a1b2c3d4'"));

    EXPECT_TRUE(fails_naming(with(kAllocated, "<sctp", "port='5000'", "port='70000'"), "'port' is out of range"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<sctp", "role='server'", "role='peer'"), "'role'"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<candidate", "ip='203.0.113.5' ", ""), "<candidate/> without 'ip'"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<candidate", "port='10000'", "port='-1'"), "'port' is out of range"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<media-source type='video'", "ssrc='456'", "ssrc='abc'"),
                             "'ssrc' is not a number"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<media-source type='video'", "ssrc='456'", "ssrc='4294967296'"),
                             "'ssrc' is out of range"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<media-source type='video'", "ssrc='456'", "ssrc='4294967296'"),
                             "media-source 'jvb-v0'"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<media-source type='audio'", "id='jvb-a0'", "name='jvb-a0'"),
                             "<media-source/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kAllocated, "<media-source type='audio'", "type='audio' ", ""),
                             "<media-source/> without 'type'"));

    EXPECT_TRUE(fails_naming(with(kUpdateEndpoint, "<initial-last-n", "value='25'", "value='lots'"), "'value'"));
    EXPECT_TRUE(
        fails_naming(with(kUpdateEndpoint, "synthetic", "synthetic='true'", "synthetic='perhaps'"), "'synthetic'"));
    EXPECT_TRUE(fails_naming(with(kUpdateEndpoint, "semantics='FID'", "ssrc='11'", "ssrc='1e3'"), "'ssrc'"));
    EXPECT_TRUE(fails_naming(with(kRelay, "<relay", "id='jvb2-relay' ", ""), "<relay/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kRelay, "<endpoints>", "id='e5f6a7b8' ", ""), "<endpoint/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kRelay, "<endpoints>", "id='e5f6a7b8' ", ""), "relay 'jvb2-relay'"));
    EXPECT_TRUE(fails_naming("<conference-modified xmlns='jitsi:colibri'/>", "conference-modified"));
}

}  // namespace
}  // namespace jicofo::stanza
