// The Prosody fixture itself: free ports, parallel servers, crash and restart, TLS, the Jitsi host layout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

bool port_accepts(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool accepted = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return accepted;
}

TEST(SupportProsodyTest, StartsOnFreePortsAndStops) {
    auto prosody = start_prosody();
    ASSERT_TRUE(prosody);
    EXPECT_TRUE(prosody->running());
    EXPECT_NE(prosody->c2s_port(), 0);
    EXPECT_NE(prosody->http_port(), 0);
    EXPECT_NE(prosody->c2s_port(), prosody->http_port());
    // c2s already answered the fixture's readiness probe; a bare connect there right before stop() would make
    // Prosody wait for that session to close before it exits.
    EXPECT_TRUE(port_accepts(prosody->http_port()));
    EXPECT_EQ(prosody->auth_domain(), "auth.meet.test");
    EXPECT_EQ(prosody->muc_domain(), "conference.meet.test");
    EXPECT_EQ(prosody->internal_muc_domain(), "internal.auth.meet.test");
    EXPECT_NE(prosody->log_text().find("Activated service 'c2s'"), std::string::npos) << prosody->log_text();

    const auto dir = prosody->directory();
    const auto port = prosody->c2s_port();
    prosody->stop();
    EXPECT_FALSE(prosody->running());
    EXPECT_FALSE(port_accepts(port));
    prosody.reset();
    if (std::getenv("JICOFO_TEST_KEEP_DIRS") == nullptr) {
        EXPECT_FALSE(std::filesystem::exists(dir));
    }
}

TEST(SupportProsodyTest, TwoFixturesRunAtOnce) {
    auto first = start_prosody();
    ProsodyOptions other;
    other.domain = "other.test";
    auto second = start_prosody(other);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->c2s_port(), second->c2s_port());
    EXPECT_NE(first->directory(), second->directory());

    auto alice = start_peer("alice");
    auto bob = start_peer("bob");
    ASSERT_TRUE(alice && bob);
    EXPECT_NE(connect_peer(*alice, *first, connect_command(*first, "meet.test")).find("@meet.test/"),
              std::string::npos);
    EXPECT_NE(connect_peer(*bob, *second, connect_command(*second, "other.test")).find("@other.test/"),
              std::string::npos);
}

TEST(SupportProsodyTest, TakenPortIsNotMistakenForReadiness) {
    auto first = start_prosody();
    ASSERT_TRUE(first);
    // Force the second server onto the first one's c2s port: the first would answer the readiness probe for the
    // same domain, so only Prosody's log can tell that the second never listened.
    ProsodyOptions clash;
    clash.extra_global_lua = "c2s_ports = { " + std::to_string(first->c2s_port()) + " }";
    auto second = ProsodyFixture::start(clash);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().find("ports stayed in use"), std::string::npos) << second.error();
    EXPECT_TRUE(first->running());
}

TEST(SupportProsodyTest, KillAndRestartKeepRegisteredUsers) {
    ProsodyOptions options;
    options.users = {{"alice", "auth.meet.test", "alice-secret"}};
    auto prosody = start_prosody(options);
    ASSERT_TRUE(prosody);
    ASSERT_TRUE(prosody->register_user("carol", prosody->auth_domain(), "carol-secret"));  // while running
    const auto port = prosody->c2s_port();

    auto alice = start_peer("alice");
    ASSERT_TRUE(alice);
    auto command = connect_command(*prosody, "alice@auth.meet.test", "alice-secret");
    command["reconnect"] = true;
    ASSERT_FALSE(connect_peer(*alice, *prosody, command).empty());

    prosody->kill();
    EXPECT_FALSE(prosody->running());
    EXPECT_TRUE(alice->wait_for("disconnected", kEventTimeout)) << alice->transcript();

    ASSERT_TRUE(prosody->restart()) << prosody->log_text();
    EXPECT_TRUE(prosody->running());
    EXPECT_EQ(prosody->c2s_port(), port);
    // alice's account survived, and her peer found the server again by itself.
    const auto again = alice->wait_for("connected", 10s);
    ASSERT_TRUE(again) << alice->transcript() << prosody->log_text();
    EXPECT_TRUE(event_json(again)["reconnected"].get<bool>());
    auto carol = start_peer("carol");
    ASSERT_TRUE(carol);
    EXPECT_FALSE(
        connect_peer(*carol, *prosody, connect_command(*prosody, "carol@auth.meet.test", "carol-secret")).empty());
}

TEST(SupportProsodyTest, TlsOptionOffersStartTls) {
    ProsodyOptions options;
    options.tls = true;
    options.require_encryption = true;
    options.users = {{"focus", "auth.meet.test", "focus-secret"}};
    auto prosody = start_prosody(options);
    ASSERT_TRUE(prosody);
    EXPECT_TRUE(std::filesystem::exists(prosody->certificate_file("auth.meet.test")));

    auto unverified = start_peer("unverified");
    ASSERT_TRUE(unverified);
    auto command = connect_command(*prosody, prosody->focus_jid(), "focus-secret");
    command["tls"] = "required";
    command["verify"] = false;
    auto line = unverified->request(command.dump(), "connected", 10s);
    ASSERT_TRUE(line && PeerProcess::is_event(*line, "connected")) << unverified->transcript() << prosody->log_text();
    EXPECT_TRUE(event_json(line)["tls"].get<bool>());

    // The certificate is its own CA, and its name checks out against the JID's domain.
    auto verified = start_peer("verified");
    ASSERT_TRUE(verified);
    command["verify"] = true;
    command["ca_file"] = prosody->certificate_file("auth.meet.test").string();
    line = verified->request(command.dump(), "connected", 10s);
    ASSERT_TRUE(line && PeerProcess::is_event(*line, "connected")) << verified->transcript() << prosody->log_text();
    EXPECT_TRUE(event_json(line)["tls"].get<bool>());

    // require_encryption: a client that will not encrypt is not let in.
    auto plain = start_peer("plain");
    ASSERT_TRUE(plain);
    command = connect_command(*prosody, prosody->focus_jid(), "focus-secret");
    command["tls"] = "disabled";
    line = plain->request(command.dump(), "connected", 10s);
    EXPECT_TRUE(line && PeerProcess::is_event(*line, "error")) << plain->transcript();
}

TEST(SupportProsodyTest, WithoutTlsNoStartTlsIsOffered) {
    auto prosody = start_prosody();
    ASSERT_TRUE(prosody);
    auto peer = start_peer("anonymous");
    ASSERT_TRUE(peer);
    auto command = connect_command(*prosody, "meet.test");
    command["tls"] = "required";
    const auto line = peer->request(command.dump(), "connected", 10s);
    EXPECT_TRUE(line && PeerProcess::is_event(*line, "error")) << peer->transcript();
}

TEST(SupportProsodyTest, FocusOwnsRoomsInBothMucs) {
    ProsodyOptions options;
    options.users = {{"focus", "auth.meet.test", "focus-secret"}, {"jvb", "auth.meet.test", "jvb-secret"}};
    auto prosody = start_prosody(options);
    ASSERT_TRUE(prosody);
    auto guest = start_peer("guest");
    auto jvb = start_peer("jvb");
    auto focus = start_peer("focus");
    ASSERT_TRUE(guest && jvb && focus);
    ASSERT_FALSE(connect_peer(*guest, *prosody, connect_command(*prosody, "meet.test")).empty());
    ASSERT_FALSE(connect_peer(*jvb, *prosody, connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret")).empty());
    ASSERT_FALSE(
        connect_peer(*focus, *prosody, connect_command(*prosody, prosody->focus_jid(), "focus-secret")).empty());

    // Others create the rooms first; focus still ends up owner because it is a MUC admin.
    const std::string room = "room1@" + prosody->muc_domain();
    const std::string brewery = "jvbbrewery@" + prosody->internal_muc_domain();
    const nlohmann::json guest_join = {{"cmd", "join"}, {"room", room}, {"nick", "guest"}};
    ASSERT_TRUE(guest->request(guest_join.dump(), "joined", kEventTimeout)) << guest->transcript();
    const nlohmann::json jvb_join = {{"cmd", "join"}, {"room", brewery}, {"nick", "jvb1"}};
    ASSERT_TRUE(jvb->request(jvb_join.dump(), "joined", kEventTimeout)) << jvb->transcript();
    for (const auto& where : {room, brewery}) {
        const nlohmann::json join = {{"cmd", "join"}, {"room", where}, {"nick", "focus"}};
        const auto line = focus->request(join.dump(), "joined", kEventTimeout);
        ASSERT_TRUE(line && PeerProcess::is_event(*line, "joined")) << focus->transcript() << prosody->log_text();
        EXPECT_NE(event_json(line)["xml"].get<std::string>().find("affiliation=\"owner\""), std::string::npos) << *line;
    }
}

TEST(SupportProsodyTest, LoadsPluginsFromPluginPaths) {
    // A plugin of the kind tests write to stand in for Jitsi's Prosody modules.
    const auto plugins = std::filesystem::temp_directory_path() / ("jicofo-plugins-" + std::to_string(::getpid()));
    std::filesystem::create_directories(plugins);
    std::ofstream(plugins / "mod_fixture_check.lua") << R"lua(
local st = require "util.stanza";
module:hook("iq-get/host/urn:jicofo:fixture-check:query", function(event)
    event.origin.send(st.reply(event.stanza):tag("query", { xmlns = "urn:jicofo:fixture-check", ok = "yes" }));
    return true;
end);
)lua";
    ProsodyOptions options;
    options.plugin_paths = {plugins.string()};
    options.extra_hosts_lua =
        "VirtualHost \"check.meet.test\"\n  authentication = \"anonymous\"\n"
        "  modules_enabled = { \"fixture_check\" }\n";
    auto prosody = start_prosody(options);
    std::filesystem::remove_all(plugins);
    ASSERT_TRUE(prosody);

    auto peer = start_peer("checker");
    ASSERT_TRUE(peer);
    ASSERT_FALSE(connect_peer(*peer, *prosody, connect_command(*prosody, "check.meet.test")).empty());
    const nlohmann::json iq = {
        {"cmd", "send_iq"},
        {"xml", "<iq type='get' to='check.meet.test' id='c1'><query xmlns='urn:jicofo:fixture-check'/></iq>"}};
    const auto reply = peer->request(iq.dump(), "iq_reply", kEventTimeout);
    ASSERT_TRUE(reply) << peer->transcript() << prosody->log_text();
    EXPECT_TRUE(PeerProcess::has_field(*reply, "type", "result")) << *reply;
    EXPECT_NE(reply->find("ok=\\\"yes\\\""), std::string::npos) << *reply;
}

}  // namespace
}  // namespace jicofo::testing
