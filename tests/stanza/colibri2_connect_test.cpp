// The colibri2 <connect/> of a conference-modify: the transcriber and translator web sockets, their delta markers,
// and the input a strict parser refuses.
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

TEST(Colibri2Connect, TranscriberCreateGoldenRoundTrip) {
    const auto golden = xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'><connects>
        <connect id='transcriber' url='wss://eu.t.example.com/ws?meetingId=m1' protocol='mediajson'
                 type='transcriber' audio='true' create='true'>
          <http-header name='Authorization' value='Bearer x'/><http-header name='X-Tenant' value='acme'/>
          <ping interval='30000' timeout='10000'/>
        </connect></connects></conference-modify>)");
    EXPECT_TRUE(round_trips<ConferenceModify>(golden));
    const auto parsed = ConferenceModify::parse(golden);
    ASSERT_TRUE(parsed && parsed->connects);
    ASSERT_EQ(parsed->connects->size(), 1U);
    const Colibri2Connect& connect = parsed->connects->at(0);
    EXPECT_EQ(connect.id, "transcriber");
    EXPECT_EQ(connect.url, "wss://eu.t.example.com/ws?meetingId=m1");
    EXPECT_EQ(connect.type, ConnectType::transcriber);
    EXPECT_TRUE(connect.audio);
    EXPECT_FALSE(connect.video);
    EXPECT_TRUE(connect.create);
    EXPECT_FALSE(connect.expire);
    ASSERT_EQ(connect.http_headers.size(), 2U);
    EXPECT_EQ(connect.http_headers[0], std::make_pair(std::string("Authorization"), std::string("Bearer x")));
    EXPECT_EQ(connect.ping, (ConnectPing{30000, 10000}));
    EXPECT_TRUE(connect.exports.empty());
}

TEST(Colibri2Connect, TranslatorWithExportsAndRequests) {
    const auto golden = xml(R"(<connect xmlns='jitsi:colibri2' id='translator-ep1-a0-0' url='ws://tr.example.com/'
        protocol='mediajson' type='translator' audio='true' create='true'>
        <exports><export name='ep1-a0'/></exports>
        <requests><request name='ep1-a0-fr'/><request name='ep1-a0-de'/></requests></connect>)");
    EXPECT_TRUE(round_trips<Colibri2Connect>(golden));
    const auto connect = Colibri2Connect::parse(golden);
    ASSERT_TRUE(connect);
    EXPECT_EQ(connect->type, ConnectType::translator);
    EXPECT_EQ(connect->exports, std::vector<std::string>{"ep1-a0"});
    EXPECT_EQ(connect->requests, (std::vector<std::string>{"ep1-a0-fr", "ep1-a0-de"}));
}

TEST(Colibri2Connect, ExpireBuiltFromAValue) {
    Colibri2Connect gone;
    gone.id = "transcriber";
    gone.url = "wss://t.example.com/";
    gone.type = ConnectType::transcriber;
    gone.audio = true;
    gone.expire = true;
    ConferenceModify modify;
    modify.meeting_id = "m1";
    modify.connects.emplace().push_back(gone);
    EXPECT_TRUE(same_xml(modify.to_xml(), xml(R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'><connects>
        <connect id='transcriber' url='wss://t.example.com/' protocol='mediajson' type='transcriber' audio='true'
                 expire='true'/></connects></conference-modify>)")));
}

TEST(Colibri2Connect, EmptyConnectsIsNotNone) {
    const auto remove_all =
        xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'><connects/></conference-modify>");
    EXPECT_TRUE(round_trips<ConferenceModify>(remove_all));
    const auto empty = ConferenceModify::parse(remove_all);
    ASSERT_TRUE(empty && empty->connects);
    EXPECT_TRUE(empty->connects->empty());
    const auto none = ConferenceModify::parse(xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'/>"));
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->connects);
}

TEST(Colibri2Connect, CaseOfTypeProtocolAndSchemeIsIgnoredAndLineBreaksDropped) {
    const auto connect = Colibri2Connect::parse(xml(R"(<connect xmlns='jitsi:colibri2' id='t' url='WSS://h/'
        protocol='MediaJson' type='TRANSCRIBER'><http-header name='X-A' value='a&#13;&#10;b'/></connect>)"));
    ASSERT_TRUE(connect) << connect.error().message();
    EXPECT_EQ(connect->type, ConnectType::transcriber);
    ASSERT_EQ(connect->http_headers.size(), 1U);
    EXPECT_EQ(connect->http_headers[0].second, "ab");
}

TEST(Colibri2Connect, MalformedConnectsAreRefused) {
    const auto refused = [](std::string_view connect) {
        const auto modify =
            ConferenceModify::parse(xml("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1'><connects>" +
                                        std::string(connect) + "</connects></conference-modify>"));
        return !modify.has_value();
    };
    const std::string ok_attrs = "protocol='mediajson' type='transcriber'";
    EXPECT_FALSE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "/>"));
    EXPECT_TRUE(refused("<connect url='wss://h/' " + ok_attrs + "/>")) << "no id";
    EXPECT_TRUE(refused("<connect id='' url='wss://h/' " + ok_attrs + "/>")) << "empty id";
    EXPECT_TRUE(refused("<connect id='t' " + ok_attrs + "/>")) << "no url";
    EXPECT_TRUE(refused("<connect id='t' url='https://h/' " + ok_attrs + "/>")) << "not a web socket";
    EXPECT_TRUE(refused("<connect id='t' url='wss:' " + ok_attrs + "/>")) << "no host";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' type='transcriber'/>")) << "no protocol";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' protocol='json' type='transcriber'/>")) << "protocol";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' protocol='mediajson'/>")) << "no type";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' protocol='mediajson' type='mixer'/>")) << "type";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + " audio='maybe'/>")) << "audio flag";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><http-header value='v'/></connect>"));
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><http-header name='A' /></connect>"));
    EXPECT_TRUE(
        refused("<connect id='t' url='wss://h/' " + ok_attrs + "><http-header name='A B' value='v'/></connect>"))
        << "a header name with a space";
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><ping interval='x' timeout='1'/></connect>"));
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><ping interval='1'/></connect>"));
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><ping interval='-1' timeout='1'/></connect>"));
    EXPECT_TRUE(refused("<connect id='t' url='wss://h/' " + ok_attrs + "><exports><export/></exports></connect>"));
    EXPECT_TRUE(
        refused("<connect id='t' url='wss://h/' " + ok_attrs + "><requests><request name=''/></requests></connect>"));
}

}  // namespace
}  // namespace jicofo::stanza
